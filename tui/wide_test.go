package tui

import (
	"fmt"
	"strings"
	"testing"
)

// longRedirectURL is longer than the room beside the step list at 80
// columns and than a 60-column terminal.
const longRedirectURL = "http://localhost:47613/oauth/atlassian/confluence/integration/callback"

// wantCopyable checks that value is on screen whole, where a selection
// takes it and nothing else: on one line, or on lines of its own that start
// at the left edge and carry no other text (no step list, no indent).
func (h *harness) wantCopyable(value string) {
	h.t.Helper()
	lines := strings.Split(h.screen(), "\n")
	for i, l := range lines {
		if strings.Contains(l, value) {
			return
		}
		start := strings.Index(l, value[:20])
		if start < 0 {
			continue
		}
		if start != 0 {
			h.t.Fatalf("%q is broken over lines that do not start at the left edge:\n%s", value, h.screen())
		}
		got := ""
		for _, next := range lines[i:] {
			if len(got) >= len(value) {
				break
			}
			got += strings.TrimRight(next, " ")
		}
		if got != value {
			h.t.Fatalf("selecting the lines of %q gives %q:\n%s", value, got, h.screen())
		}
		return
	}
	h.t.Fatalf("screen does not show %q whole:\n%s", value, h.screen())
}

func TestValuesToCopyAreShownWhole(t *testing.T) {
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			h := newHarness(t)
			h.resize(width, 24)
			h.walkTo(3)
			h.wantCopyable("https://developer.atlassian.com/console/myapps/")
			h.walkTo(7)
			h.press("e", "ctrl+u")
			h.typeText(longRedirectURL)
			h.press("enter")
			h.wantCopyable(longRedirectURL)
			h.walkTo(12)
			h.press("enter", "enter")
			h.wantCopyable(h.consent.last().AuthURL())
			h.finishConsent(oneSiteResult(), nil)
			h.wantCopyable(`authwiz status "OAuth2 confluence Authentication"`)
		})
	}
}

func TestWrapNeverBreaksAtHyphens(t *testing.T) {
	got := wrap("Add read:confluence-content.all and read:confluence-space.summary", 30)
	for _, l := range strings.Split(got, "\n") {
		if strings.HasSuffix(l, "-") {
			t.Fatalf("wrapped at a hyphen:\n%s", got)
		}
	}
}

// longScopes is a 156-character scope string.
const longScopes = "read:confluence-content.all read:confluence-space.summary search:confluence " +
	"read:confluence-user write:confluence-props write:confluence-file offline_access"

func TestFieldsScrollToTheCursor(t *testing.T) {
	if len(longScopes) != 156 {
		t.Fatalf("longScopes is %d characters", len(longScopes))
	}
	for _, width := range []int{60, 80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			h := newHarness(t)
			h.resize(width, 24)
			h.walkTo(11)
			h.press("ctrl+u")
			h.typeText(longScopes)
			h.wantScreen(longScopes[len(longScopes)-20:])
			h.press("ctrl+a")
			h.wantScreen("> " + longScopes[:20])
			h.walkTo(12)
			h.press("esc")
			h.press("end")
			h.wantScreen("write:confluence-file offline_access")
		})
	}
}

func TestWhatDoesNotFitScrolls(t *testing.T) {
	h := newHarness(t)
	h.resize(60, 20)
	h.walkTo(12)
	h.press("enter", "enter")
	h.send(consentHintMsg{flow: h.consentView().flow, text: longHint})
	h.press("p")
	h.wantScreen("> ‹http://localhost:…/callback", "more lines below: pgdown")
	h.press("pgdown", "pgdown")
	h.wantScreen("more lines above: pgup", "ts&response_type=code&prompt=consent")
	if strings.Contains(h.screen(), "more lines below") {
		t.Fatalf("scrolled to the end, yet more below:\n%s", h.screen())
	}
	h.press("pgup", "pgup")
	h.wantScreen("> ‹http://localhost:…/callback")

	h.press("esc")
	h.finishConsent(longSitesResult(), nil)
	h.press("pgdown", "pgdown")
	h.wantScreen(`authwiz status "OAuth2 confluence Authentication"`)
}

func TestTheConsentScreenSaysWhetherTheBrowserOpened(t *testing.T) {
	h := newHarness(t, noBrowser())
	h.walkTo(12)
	h.press("enter", "enter")
	h.wantText("No browser was opened: $BROWSER entry false: exit status 1; no browser can be opened here " +
		"(there is no graphical display). Open the link below in a browser yourself")
	if strings.Contains(h.screen(), "open in your browser") {
		t.Fatalf("claims the browser shows the page:\n%s", h.screen())
	}
	h.browser.Err = nil
	h.press("o")
	h.wantText("Atlassian's consent page is open in your browser.", "click Accept")
}
