package tui

import (
	"strings"
	"testing"
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
