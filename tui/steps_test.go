package tui

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/loopback"
)

func TestBusyPortOffersAnother(t *testing.T) {
	h := newHarness(t, busyPort(defaultRedirectURL))
	h.walkTo(7)
	h.wantText("The consent would fail here: port 47613 is already taken", "p to pick a free port")
	h.press("p")
	if got := h.w.draft.Profile.RedirectURL; got != "http://localhost:47614/callback" {
		t.Fatalf("Redirect URL = %q", got)
	}
	h.wantScreen("http://localhost:47614/callback", "The port is free")
	h.press("c")
	if got := h.clip.Written(); !slices.Equal(got, []string{"http://localhost:47614/callback"}) {
		t.Fatalf("copied %q, want the new URL", got)
	}
}

func TestRedirectURLIsEditable(t *testing.T) {
	h := newHarness(t)
	h.walkTo(7)
	h.press("e", "ctrl+u")
	h.typeText("http://localhost:40001/cb")
	h.press("esc") // undo
	if got := h.w.draft.Profile.RedirectURL; got != defaultRedirectURL {
		t.Fatalf("esc kept %q", got)
	}
	h.press("e", "ctrl+u")
	h.typeText("http://localhost:40001/cb")
	h.press("enter") // done editing
	h.wantStep(7)
	h.press("enter")
	h.wantStep(7) // the box is not ticked yet
	h.wantText("Tick the box with space")
	h.press("space", "enter")
	h.wantStep(8)
	if got := h.w.draft.Profile.RedirectURL; got != "http://localhost:40001/cb" {
		t.Fatalf("Redirect URL = %q", got)
	}
}

func TestScopePicker(t *testing.T) {
	h := newHarness(t)
	h.walkTo(8)
	if strings.Contains(h.screen(), "] "+atlassian.OfflineAccess) {
		t.Fatal("offline_access is offered for ticking in the console")
	}
	h.typeText("read:space")
	h.press("space")
	if got := h.w.draft.Profile.Scopes; !slices.Equal(got, []string{"read:space:confluence", atlassian.OfflineAccess}) {
		t.Fatalf("scopes = %q", got)
	}
	h.wantText("Tick this scope in the console: Confluence API › Granular scopes: read:space:confluence")
	h.press("space") // untick
	h.press("enter")
	h.wantStep(8)
	h.press("esc") // clears the filter, stays
	h.wantStep(8)
	h.wantScreen("Presets")
	h.press("space") // first preset
	if len(h.w.draft.consoleScopes()) < 2 {
		t.Fatalf("preset gave %q", h.w.draft.Profile.Scopes)
	}
	h.press("enter")
	h.wantStep(9)
}

func TestScopeStringWarnsWithoutOfflineAccess(t *testing.T) {
	h := newHarness(t)
	h.walkTo(11)
	for range len(" " + atlassian.OfflineAccess) {
		h.press("backspace")
	}
	if slices.Contains(h.w.draft.Profile.Scopes, atlassian.OfflineAccess) {
		t.Fatal("offline_access still in the draft")
	}
	h.wantScreen("! ")
	h.press("enter") // a warning does not block
	h.wantStep(12)
	h.press("esc", "esc", "esc", "esc") // to step 8: picking again must not put it back
	h.wantStep(8)
	h.press("down", "down", "down", "space")
	if slices.Contains(h.w.draft.Profile.Scopes, atlassian.OfflineAccess) {
		t.Fatal("picking a scope put offline_access back")
	}
	h.press("enter")
	h.jumpTo(11)
	h.press("ctrl+r")
	if !slices.Contains(h.w.draft.Profile.Scopes, atlassian.OfflineAccess) {
		t.Fatal("ctrl+r did not add offline_access back")
	}
}

func TestPastedCredentialsAreCleaned(t *testing.T) {
	h := newHarness(t)
	h.walkTo(9)
	h.paste("\x1b[31m" + testClientID + "\x1b[0m\n")
	h.press("enter")
	h.paste("  " + testSecret + "\r\n")
	h.press("enter")
	h.wantStep(10)
	if h.w.draft.Profile.ClientID != testClientID || h.w.draft.Secret != testSecret {
		t.Fatalf("client ID %q, secret cleaned %v", h.w.draft.Profile.ClientID, h.w.draft.Secret == testSecret)
	}
}

func TestSecretIsMaskedUntilRevealed(t *testing.T) {
	h := newHarness(t)
	h.walkTo(9)
	h.press("down")
	h.paste(testSecret)
	if strings.Contains(h.screen(), testSecret) {
		t.Fatal("secret shown while masked")
	}
	h.press("ctrl+r")
	h.wantText(testSecret[:20])
	h.press("ctrl+r")
	if strings.Contains(h.screen(), testSecret[:20]) {
		t.Fatal("secret still shown after hiding it again")
	}
}

func TestEndpointsReset(t *testing.T) {
	h := newHarness(t)
	h.walkTo(10)
	h.press("ctrl+u")
	h.typeText("http://localhost:9999/authorize")
	h.press("down", "down", "ctrl+u")
	h.typeText("https://api.example.test")
	h.press("ctrl+r")
	p := h.w.draft.Profile
	if p.AuthURL != atlassian.DefaultAuthURL || p.TokenURL != atlassian.DefaultTokenURL || p.APIBaseURL != atlassian.DefaultAPIBaseURL {
		t.Fatalf("after reset: %q %q %q", p.AuthURL, p.TokenURL, p.APIBaseURL)
	}
}

func TestFilterMatchesGroups(t *testing.T) {
	rows := filterRows(scopeRows(), "granular")
	for _, r := range rows {
		if r.selectable() && r.preset == nil && r.scope.Group != "Confluence (granular)" {
			t.Fatalf("%q matched \"granular\"", r.scope.Name)
		}
	}
	if len(rows) < 10 {
		t.Fatalf("only %d rows match \"granular\"", len(rows))
	}
}

// A Redirect URL on this computer gets its port checked whatever the
// letter case of localhost, as the consent's listener will use it.
func TestUppercaseLocalhostPortIsChecked(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	busy := fmt.Sprintf("http://LOCALHOST:%d/callback", held.Addr().(*net.TCPAddr).Port)
	h := newHarness(t, func(h *harness, _ **draft) {
		h.adjust = append(h.adjust, func(d *deps) { d.ports = loopback.Ports{} })
	})
	h.walkTo(7)
	h.press("e", "ctrl+u")
	h.typeText(busy)
	h.press("enter")
	h.drain(func() bool { return h.w.steps[stepRedirect].(*redirectStep).checked != "" })
	h.wantText("The consent would fail here", "is already taken", "p to pick a free port")
	if strings.Contains(h.screen(), "not on this computer") {
		t.Fatalf("LOCALHOST is this computer:\n%s", h.screen())
	}
}

// The console steps say what today's Developer Console shows, with
// Atlassian's own notice where the app is created.
func TestConsoleStepsMatchTodaysConsole(t *testing.T) {
	h := newHarness(t)
	h.walkTo(3)
	h.wantText("The app stays private to that account", "Distribution")
	h.walkTo(4)
	h.wantText("instruct customers to create individual 3LO apps don't comply",
		"Acceptable use policy", "Atlassian's rules")
	h.walkTo(5)
	h.wantText("choose Resource-level grant")
	h.walkTo(6)
	h.wantText("Next to OAuth 2.0 (3LO), click Configure")
	for n := 7; n <= 12; n++ {
		h.walkTo(n)
		if s := h.screen(); strings.Contains(s, "Allow") {
			t.Fatalf("step %d says Allow where Atlassian's button says Accept:\n%s", n, s)
		}
	}
	h.wantText("click Accept")
}

func TestSummaryFlagsATokenURLThatIsNotAtlassians(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	if strings.Contains(h.screen(), "Token URL is not Atlassian's") {
		t.Fatalf("Atlassian's own Token URL is flagged:\n%s", h.screen())
	}
	h = newHarness(t)
	h.walkTo(10)
	h.press("down", "ctrl+u")
	h.typeText("https://proxy.example.com/oauth/token")
	h.press("enter", "enter")
	h.walkTo(12)
	h.wantText("! The Token URL is not Atlassian's (https://proxy.example.com/oauth/token): authwiz sends the client secret there")
}

// Step 7's box: ticked for one URL, it no longer counts once the URL
// changes, since the new one is not in the console yet.
func TestRedirectCheckpointFollowsTheURL(t *testing.T) {
	h := newHarness(t, busyPort(defaultRedirectURL))
	h.walkTo(7)
	h.wantScreen("[ ] I pasted it and clicked Save changes")
	h.press("space")
	h.wantScreen("[✓] I pasted it and clicked Save changes")
	h.press("p") // another port: another URL to register
	h.wantScreen("[ ] I pasted it and clicked Save changes")
	h.press("enter")
	h.wantStep(7)
	h.wantText(checkpointUnticked)
}

// Editing the URL unticks the box, but "tick the box" is said only once
// the admin tries to go on: while they type it is not yet an error.
func TestAnEditedRedirectURLAsksForTheTickOnlyOnEnter(t *testing.T) {
	h := newHarness(t)
	h.walkTo(7)
	h.press("space", "e", "ctrl+u")
	h.typeText("http://localhost:47999/callback")
	h.press("enter")
	if strings.Contains(h.screen(), "✗") {
		t.Fatalf("an error before the admin tried to go on:\n%s", h.screen())
	}
	h.press("enter")
	h.wantStep(7)
	h.wantText("✗ " + checkpointUnticked)
}
