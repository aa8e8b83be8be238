package tui

import (
	"errors"
	"slices"
	"testing"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/clipboard"
)

func TestCopyUsesTheSystemClipboardAndOSC52(t *testing.T) {
	h := newHarness(t)
	h.walkTo(7)
	h.press("c")
	if got := h.clip.Written(); !slices.Equal(got, []string{defaultRedirectURL}) {
		t.Fatalf("system clipboard got %q", got)
	}
	if !slices.Equal(h.osc52, []string{defaultRedirectURL}) {
		t.Fatalf("OSC 52 got %q", h.osc52)
	}
	h.wantScreen("Copied the Redirect URL.")
	h.press("esc")
	h.press("enter")
	if h.w.notice.text != "" {
		t.Fatalf("the notice followed the admin to another step: %q", h.w.notice.text)
	}
}

func TestCopyFailureSaysWhatHappened(t *testing.T) {
	h := newHarness(t)
	h.clip.Err = errors.Join(clipboard.ErrUnavailable, errors.New("no display"))
	h.walkTo(5)
	h.press("c")
	if !slices.Equal(h.osc52, []string{defaultAppName}) {
		t.Fatalf("OSC 52 got %q; it must be sent even when the system clipboard fails", h.osc52)
	}
	h.wantScreen("Could not reach the system clipboard; sent to your", "select the text above", defaultAppName)
}

func TestOpenTheDeveloperConsole(t *testing.T) {
	h := newHarness(t)
	h.walkTo(3)
	h.press("o")
	if !slices.Equal(h.browser.Opened(), []string{atlassian.DeveloperConsoleURL}) {
		t.Fatalf("opened %q", h.browser.Opened())
	}
	h.wantScreen("Opened in your browser.")
	h.browser.Err = errors.New("no browser found")
	h.press("o")
	h.wantScreen("Not opened: no browser found.", atlassian.DeveloperConsoleURL)
}

// A value its check refuses would be pasted into the console as it is and
// fail only at the consent; c says what to fix instead of copying it.
func TestCopyRefusesAValueItsCheckRefuses(t *testing.T) {
	h := newHarness(t)
	h.walkTo(7)
	h.press("e", "ctrl+u")
	h.typeText("ftp://x y")
	h.press("enter", "c")
	if got := h.clip.Written(); len(got) != 0 || len(h.osc52) != 0 {
		t.Fatalf("copied %q (system) and %q (OSC 52)", got, h.osc52)
	}
	h.wantScreen("Not copied: fix the Redirect URL first", "paste it again as one line")
	h.press("e", "ctrl+u")
	h.typeText(defaultRedirectURL)
	h.press("enter", "c")
	if got := h.clip.Written(); !slices.Equal(got, []string{defaultRedirectURL}) {
		t.Fatalf("the fixed URL was not copied: %q", got)
	}
	h.wantScreen("Copied the Redirect URL.")
}
