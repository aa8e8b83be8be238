package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/atlassian"
)

func TestQuestionMarkGoesIntoThePasteField(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter", "p")
	h.typeText("http://localhost:47613/callback?code=abc")
	if got := h.consentView().paste.Value(); got != "http://localhost:47613/callback?code=abc" {
		t.Fatalf("paste field = %q", got)
	}
	if h.w.help.ShowAll {
		t.Fatal("? opened the help instead of being typed")
	}
}

func TestLeavingACancelledConsentSaysHowToAuthenticateLater(t *testing.T) {
	for _, quit := range []string{"q", "ctrl+c"} {
		t.Run(quit, func(t *testing.T) {
			h := newHarness(t)
			h.walkTo(12)
			h.press("enter", "enter", "esc")
			h.wantText("or q to finish and authenticate later")
			h.press(quit)
			if !h.quit || !strings.Contains(h.w.outcome, `authwiz login "OAuth2 confluence Authentication"`) {
				t.Fatalf("quit %v, outcome %q", h.quit, h.w.outcome)
			}
		})
	}
}

func TestAPresetKeepsScopesTickedByHand(t *testing.T) {
	h := newHarness(t)
	h.walkTo(8)
	h.typeText("read:label")
	h.press("space") // ticked by hand
	h.press("esc")   // clear the filter: the cursor is on the first preset
	h.press("space")
	picked := h.w.draft.consoleScopes()
	if !slices.Contains(picked, "read:label:confluence") || !slices.Contains(picked, "read:confluence-content.all") {
		t.Fatalf("after the preset: %q", picked)
	}
	h.wantText("kept the scope you ticked by hand: read:label:confluence")

	// Unticked by hand, it is no longer kept.
	h.typeText("read:label")
	h.press("space", "esc", "space")
	if slices.Contains(h.w.draft.consoleScopes(), "read:label:confluence") {
		t.Fatalf("an unticked scope came back: %q", h.w.draft.consoleScopes())
	}
}

func TestTheFocusedScopeShowsItsFullDescription(t *testing.T) {
	h := newHarness(t)
	h.resize(60, 20)
	h.walkTo(8)
	h.typeText("read:confluence-content.all")
	sc, _ := atlassian.LookupScope("read:confluence-content.all")
	h.wantText("read:confluence-content.all: " + sc.Description)
}
