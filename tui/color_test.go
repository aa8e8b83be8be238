package tui

import (
	"image/color"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// colourSGR matches an SGR sequence that sets a foreground or background
// colour.
var colourSGR = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m`)

// render passes the view through the colour downsampling the renderer
// applies for the terminal's profile.
func renderAs(t *testing.T, view string, p colorprofile.Profile) string {
	t.Helper()
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: p}
	if _, err := w.WriteString(view); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestNoColourTerminalsGetPlainText(t *testing.T) {
	h := newHarness(t)
	h.walkTo(7)
	h.press("c")
	view := h.w.View().Content
	if !colourSGR.MatchString(view) {
		t.Fatal("the view has no colours at all; this test would prove nothing")
	}
	ascii := renderAs(t, view, colorprofile.ASCII) // NO_COLOR
	if colourSGR.MatchString(ascii) {
		t.Fatalf("colour codes left for a no-colour terminal: %q", colourSGR.FindString(ascii))
	}
	if ansi.Strip(ascii) != ansi.Strip(view) {
		t.Fatal("text changed when dropping colours")
	}
	notty := renderAs(t, view, colorprofile.NoTTY)
	if strings.Contains(notty, "\x1b") {
		t.Fatal("escape sequences written to something that is not a terminal")
	}
	for _, want := range []string{"✓", "Redirect URL", defaultRedirectURL, "Copied"} {
		if !strings.Contains(notty, want) {
			t.Fatalf("plain output lacks %q", want)
		}
	}
}

func TestLinksAreHyperlinksAndText(t *testing.T) {
	h := newHarness(t)
	h.walkTo(3)
	view := h.w.View().Content
	if !strings.Contains(view, "\x1b]8;;https://developer.atlassian.com/console/myapps/") {
		t.Fatal("the console link is not an OSC 8 hyperlink")
	}
	h.wantScreen("https://developer.atlassian.com/console/myapps/")
}

func TestStylesFollowTheBackground(t *testing.T) {
	h := newHarness(t)
	h.walkTo(2)
	dark := h.w.View().Content
	h.send(tea.BackgroundColorMsg{Color: color.White})
	if h.w.styles.isDark {
		t.Fatal("a white background kept the dark styles")
	}
	if h.w.View().Content == dark {
		t.Fatal("the view did not change for a light background")
	}
	if ansi.Strip(h.w.View().Content) != ansi.Strip(dark) {
		t.Fatal("the text changed with the background")
	}
}
