package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
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

// Quitting after the consent worked says, like finishing with q, what the
// profile is for now, and whether a default site is still to choose.
func TestQuittingAfterTheConsentSaysItIsConnected(t *testing.T) {
	for name, res := range map[string]consent.Result{"one site": oneSiteResult(), "two sites": twoSitesResult()} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.walkTo(12)
			h.press("enter", "enter")
			h.finishConsent(res, nil)
			h.press("ctrl+c")
			if !h.quit || !strings.Contains(h.w.outcome, `authwiz token "OAuth2 confluence Authentication"`) {
				t.Fatalf("quit %v, outcome %q", h.quit, h.w.outcome)
			}
			if unchosen := strings.Contains(h.w.outcome, "no default site"); unchosen != (len(res.Sites) > 1) {
				t.Fatalf("with %d sites, outcome %q", len(res.Sites), h.w.outcome)
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

func TestAMultiLinePasteSaysWhatItDid(t *testing.T) {
	h := newHarness(t)
	h.walkTo(9)
	h.paste("Abcdefghijklmnop\nqrstuvwxyz012345\n")
	if got := h.w.draft.Profile.ClientID; got != "Abcdefghijklmnop qrstuvwxyz012345" {
		t.Fatalf("client ID = %q", got)
	}
	h.wantText("The paste had 2 lines; this field holds one, so they were joined with spaces")
}

// The notice about a multi-line paste speaks of the value the paste left:
// it stays while the admin moves through the value to check it, and goes
// once they change it, by typing or by another paste.
func TestAPasteNoticeGoesOnceTheValueChanges(t *testing.T) {
	const said = "The paste had 2 lines"
	h := newHarness(t)
	h.walkTo(9)
	h.paste("Abcdefghijklmnop\nqrstuvwxyz012345")
	h.press("ctrl+a", "ctrl+f", "end")
	h.wantText(said)
	h.press("backspace")
	if strings.Contains(h.screen(), said) {
		t.Fatalf("the notice outlived the value it spoke of:\n%s", h.screen())
	}
	h.paste("Abcdefghijklmnop\nqrstuvwxyz012345")
	h.wantText(said)
	h.paste("6")
	if strings.Contains(h.screen(), said) {
		t.Fatalf("a one-line paste left the notice about the last one:\n%s", h.screen())
	}
}

// Only a paste's notice goes with an edit: a copy's stays until the step
// changes.
func TestACopyNoticeOutlivesAnEdit(t *testing.T) {
	h := newHarness(t)
	h.walkTo(7)
	h.press("c", "e")
	h.typeText("x")
	h.wantText("Copied the Redirect URL.")
}

// Terminals send a pasted line break as "\r" (xterm, tmux, VTE): it must
// part the lines like "\n" does, not vanish with the control characters.
func TestAPastedCarriageReturnPartsTheLines(t *testing.T) {
	h := newHarness(t)
	h.walkTo(11)
	h.press("ctrl+u")
	h.paste("read:confluence-user\rsearch:confluence\r\noffline_access\r")
	if got := h.w.draft.Profile.Scopes; !slices.Equal(got, []string{"read:confluence-user", "search:confluence", "offline_access"}) {
		t.Fatalf("scopes = %q", got)
	}
	h.wantText("The paste had 3 lines; this field holds one, so they were joined with spaces")
}

func TestPlaceholdersAreMarkedAsHints(t *testing.T) {
	h := newHarness(t)
	h.walkTo(9)
	out := renderAs(t, h.w.View().Content, colorprofile.NoTTY)
	if !strings.Contains(out, "> ‹32 letters and digits›") {
		t.Fatalf("without colour the placeholder reads like a typed value:\n%s", out)
	}
}

// Commands the wizard suggests are spelled as this run was started (the
// command line sets profile.Program, e.g. for `go run ./cmd/authwiz`),
// and a rehearsal's name the rehearsal's profiles.
func TestSuggestedCommandsUseTheProgramsName(t *testing.T) {
	defer func(was string) { profile.Program = was }(profile.Program)
	profile.Program = "go run ./cmd/authwiz"

	h := newHarness(t)
	h.walkTo(2)
	h.wantText("`go run ./cmd/authwiz token NAME`")
	h.walkTo(12)
	h.press("enter")
	h.wantText(`do it later with go run ./cmd/authwiz login "OAuth2 confluence Authentication".`)

	h = newHarness(t, rehearsing(&fakeRehearsal{}, ""))
	h.walkTo(12)
	h.press("enter")
	h.wantText(`do it later with go run ./cmd/authwiz login --rehearsal "OAuth2 confluence Authentication".`)
}

// In a small window the error of a refused enter can fall below the fold:
// the line that says more is below must then say it is what to fix, or
// the key looks as if it did nothing.
func TestARefusedEnterSaysTheFixIsBelowTheFold(t *testing.T) {
	h := newHarness(t)
	h.resize(60, 20)
	h.walkTo(5)
	h.press("e", "ctrl+u")
	h.typeText(strings.Repeat("a", 300))
	h.press("enter", "enter")
	h.wantStep(5)
	h.wantScreen("more lines below, with what to fix: pgdown")
	h.press("pgdown")
	h.wantScreen("✗ ")
}
