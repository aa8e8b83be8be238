package tui

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

var errDeniedForTest = errors.New("you clicked Deny on Atlassian's consent page; press enter and click Accept")

// probe runs the wizard inside a real Bubble Tea program (teatest) and
// keeps a copy of the latest screen as text, so a flow waits for what the
// admin would see rather than for bytes of a diffing renderer.
type probe struct {
	w      *wizard
	mu     *sync.Mutex
	screen *string
}

func (p probe) Init() tea.Cmd { return p.w.Init() }

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.w.Update(msg)
	p.mu.Lock()
	*p.screen = ansi.Strip(p.w.render())
	p.mu.Unlock()
	return p, cmd
}

func (p probe) View() tea.View { return p.w.View() }

// flow drives a running program.
type flow struct {
	t  *testing.T
	tm *teatest.TestModel
	p  probe
}

func startFlow(t *testing.T, w *wizard) *flow {
	t.Helper()
	p := probe{w: w, mu: &sync.Mutex{}, screen: new(string)}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() { _ = tm.Quit() })
	return &flow{t: t, tm: tm, p: p}
}

func (f *flow) screen() string {
	f.p.mu.Lock()
	defer f.p.mu.Unlock()
	return *f.p.screen
}

// waitFor waits until the screen shows every one of parts.
func (f *flow) waitFor(parts ...string) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := f.screen()
		missing := ""
		for _, p := range parts {
			if !strings.Contains(s, p) {
				missing = p
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// press sends keys, each once the previous one was handled.
func (f *flow) press(keys ...string) {
	for _, k := range keys {
		f.tm.Send(keyPress(k))
	}
}

func (f *flow) typeText(s string) { f.tm.Type(s) }

// appValues are what the admin types for an app: the defaults leave the
// Redirect URL and endpoints as the wizard fills them in.
type appValues struct {
	clientID, secret              string
	redirectURL                   string
	authURL, tokenURL, apiBaseURL string
}

var fakeApp = appValues{clientID: testClientID, secret: testSecret}

// walkNew goes through steps 1–11 of a new profile with valid values.
func (f *flow) walkNew(app appValues) {
	f.t.Helper()
	f.waitFor("New authentication")
	f.press("enter")
	f.waitFor("Step 2 of 12")
	f.press("enter")
	for _, n := range []string{"3", "4", "5", "6"} {
		f.waitFor("Step " + n + " of 12")
		f.press("space", "enter")
	}
	f.waitFor("Step 7 of 12")
	if app.redirectURL != "" {
		f.press("e", "ctrl+u")
		f.typeText(app.redirectURL)
		f.press("enter")
	}
	f.waitFor("The port is free")
	f.press("space", "enter")
	f.waitFor("Step 8 of 12")
	f.press("space", "enter")
	f.waitFor("Step 9 of 12")
	f.typeText(app.clientID)
	f.press("enter")
	f.tm.Send(tea.PasteMsg{Content: app.secret})
	f.press("enter")
	f.waitFor("Step 10 of 12")
	for _, url := range []string{app.authURL, app.tokenURL, app.apiBaseURL} {
		if url != "" {
			f.press("ctrl+u")
			f.typeText(url)
		}
		f.press("enter")
	}
	f.waitFor("Step 11 of 12")
	f.press("enter")
	f.waitFor("Step 12 of 12")
}

func TestFlowNewProfileWithFakes(t *testing.T) {
	h := newHarness(t) // only for its fakes; the program runs the wizard
	f := startFlow(t, h.w)
	f.walkNew(fakeApp)
	f.press("enter")
	f.waitFor("✓ Saved as")
	f.press("enter")
	f.waitFor("Waiting for Atlassian")
	h.consent.last().done <- outcome{res: oneSiteResult()}
	f.waitFor("Connected as Ada Lovelace to Example")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	p, sec, ok := h.store.saved(defaultProfileName)
	if !ok || sec.ClientSecret != testSecret || p.ClientID != testClientID {
		t.Fatalf("saved %+v (found %v)", p, ok)
	}
}

func TestFlowConsentDeniedThenRetriedWithFakes(t *testing.T) {
	h := newHarness(t)
	f := startFlow(t, h.w)
	f.walkNew(fakeApp)
	f.press("enter")
	f.waitFor("✓ Saved as")
	f.press("enter")
	f.waitFor("Waiting for Atlassian")
	h.consent.last().done <- outcome{err: errDeniedForTest}
	f.waitFor("✗ you clicked Deny")
	f.press("enter")
	f.waitFor("Waiting for Atlassian")
	h.consent.last().done <- outcome{res: oneSiteResult()}
	f.waitFor("Connected as Ada Lovelace to Example")
	if n := len(h.consent.attempts); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestFlowEditWithFakes(t *testing.T) {
	h := newHarness(t, editing("Confluence prod"))
	f := startFlow(t, h.w)
	f.addScopeAndSave(" read:confluence-user")
	p, sec, _ := h.store.saved("Confluence prod")
	if !p.TokensStale || sec.ClientSecret != testSecret || len(p.Scopes) != 3 {
		t.Fatalf("saved: stale %v, secret kept %v, scopes %q", p.TokensStale, sec.ClientSecret == testSecret, p.Scopes)
	}
	f.press("ctrl+c")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// addScopeAndSave opens the edited profile's Scopes step with ctrl+g,
// types extra at the end and saves, which the admin is told makes the
// tokens stale.
func (f *flow) addScopeAndSave(extra string) {
	f.t.Helper()
	f.waitFor("> Confluence prod")
	f.press("ctrl+g")
	for range stepScopes - stepName {
		f.press("down")
	}
	f.press("enter")
	f.waitFor(fmt.Sprintf("Step %d of %d", stepScopes.number(), stepCount))
	f.typeText(extra)
	f.press("enter")
	f.waitFor("Changed since the last consent: scopes")
	f.press("enter")
	f.waitFor("✓ Saved as")
}
