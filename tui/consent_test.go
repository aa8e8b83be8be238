package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/consent"
)

// consentView is step 12's consent view, for checking its flow number.
func (h *harness) consentView() *consentView { return &h.w.steps[stepSave].(*saveStep).consent }

func TestSaveThenAuthenticate(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter")
	p, sec, ok := h.store.saved(defaultProfileName)
	if !ok || sec.ClientSecret != testSecret || p.Type != "oauth2" || p.ClientID != testClientID {
		t.Fatalf("saved %+v (found %v)", p, ok)
	}
	h.press("enter")
	a := h.consent.last()
	if a == nil || a.name != defaultProfileName {
		t.Fatal("the consent did not start for the saved profile")
	}
	if !slices.Equal(h.browser.Opened(), []string{a.AuthURL()}) {
		t.Fatalf("browser opened %q", h.browser.Opened())
	}
	h.wantScreen("Waiting for Atlassian", "5:00 left", "Authorization URL")
	h.press("c")
	if got := h.clip.Written(); !slices.Equal(got, []string{a.AuthURL()}) {
		t.Fatalf("copied %q", got)
	}
	h.press("o")
	if len(h.browser.Opened()) != 2 {
		t.Fatal("o did not open the browser again")
	}
	h.finishConsent(oneSiteResult(), nil)
	h.wantText("✓ Connected as Ada Lovelace to Example (https://example.atlassian.net)",
		"5 of 5 requested were granted", "authwiz token \"OAuth2 confluence Authentication\"",
		"authwiz status \"OAuth2 confluence Authentication\"")
	if !a.isClosed() {
		t.Fatal("the finished attempt was not closed")
	}
	h.press("q")
	if !h.quit || !strings.Contains(h.w.outcome, "authwiz token") {
		t.Fatalf("finishing: quit %v, outcome %q", h.quit, h.w.outcome)
	}
}

func TestConsentFailureKeepsTheProfileAndRetries(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter")
	h.finishConsent(consent.Result{}, errors.New("access was denied: you clicked Deny"))
	h.wantText("✗ access was denied: you clicked Deny", "enter to try again")
	if _, _, ok := h.store.saved(defaultProfileName); !ok {
		t.Fatal("the profile is gone after a failed consent")
	}
	first := h.consent.last()
	h.press("enter")
	if h.consent.last() == first {
		t.Fatal("enter did not start a new attempt")
	}
	h.finishConsent(oneSiteResult(), nil)
	h.wantScreen("✓ Connected as Ada Lovelace")
}

func TestStaleConsentMessagesAreDropped(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter")
	old := h.consent.last()
	oldFlow := h.consentView().flow
	h.press("esc") // cancel
	h.wantScreen("Cancelled")
	h.drain(old.isClosed) // cancelling ends the wait, which closes the attempt
	h.press("enter")      // authenticate again
	if h.consentView().flow == oldFlow {
		t.Fatal("a new attempt kept the old flow number")
	}
	h.send(consentDoneMsg{flow: oldFlow, result: oneSiteResult()})
	if h.consentView().result != nil {
		t.Fatal("a result from the cancelled attempt was taken")
	}
	h.send(consentDoneMsg{flow: oldFlow, err: errors.New("old failure")})
	h.wantScreen("Waiting for Atlassian")
}

func TestLeavingStep12CancelsTheConsent(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter")
	a := h.consent.last()
	h.press("esc") // cancel the wait
	h.press("esc") // and go back
	h.wantStep(11)
	h.drain(a.isClosed)

	h.press("enter", "enter") // back on 12: summary, save
	h.press("enter")          // authenticate
	b := h.consent.last()
	h.press("ctrl+c") // profile saved: quits at once, and must stop the wait
	if !h.quit {
		t.Fatal("ctrl+c did not quit")
	}
	h.drain(b.isClosed)
}

func TestPasteTheRedirectedURL(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter", "p")
	h.wantScreen("Paste the URL your browser ended on")
	h.paste("\x1b[200~  http://localhost:47613/callback?code=abc&state=xyz \n\x1b[201~")
	a := h.consent.last()
	a.pasteErr = errors.New("the state does not match this attempt: paste the URL from the latest try")
	h.press("enter")
	h.wantText("✗ the state does not match this attempt")
	if got := a.pasted; len(got) != 1 || got[0] != "http://localhost:47613/callback?code=abc&state=xyz" {
		t.Fatalf("pasted %q", got)
	}
	h.press("esc") // back to waiting, the attempt still runs
	h.wantScreen("Waiting for Atlassian")
}

func TestHintWhenNothingArrives(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter")
	flow := h.consentView().flow
	h.send(consentTickMsg{flow: flow, at: fixedNow.Add(10 * time.Second)})
	h.wantScreen("4:50 left")
	if strings.Contains(h.screen(), "No answer yet") {
		t.Fatal("hint shown before the attempt gave one")
	}
	h.consent.last().hint <- "No answer yet: compare the Callback URL in the console with http://localhost:47613/callback"
	h.drain(func() bool { return h.consentView().hint != "" })
	h.wantText("No answer yet: compare the Callback URL")
	h.send(consentTickMsg{flow: flow + 7, at: fixedNow.Add(4 * time.Minute)})
	h.wantScreen("4:50 left") // a tick of another attempt changes nothing
}

func TestChooseTheDefaultSite(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter")
	h.finishConsent(twoSitesResult(), nil)
	h.wantText("Choose the one commands use by default", "Not granted: read:confluence-content.all")
	h.press("q")
	if h.quit {
		t.Fatal("finished before a default site was chosen")
	}
	h.press("down", "enter")
	if !slices.Equal(h.consent.chosen, []string{defaultProfileName + "=c2"}) {
		t.Fatalf("chosen %q", h.consent.chosen)
	}
	h.wantText("✓ Connected as Ada Lovelace to Second")
	h.press("q")
	if !h.quit {
		t.Fatal("could not finish")
	}
}

func TestAuthenticateAgainFromTheStartScreen(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"))
	h.press("down", "a")
	h.wantStep(12)
	a := h.consent.last()
	if a == nil || a.name != "Confluence prod" {
		t.Fatal("no consent for the chosen profile")
	}
	h.wantScreen("Waiting for Atlassian")
}

func TestRemoteRedirectURLGoesStraightToPasting(t *testing.T) {
	h := newHarness(t)
	h.consent.remote = true
	h.walkTo(12)
	h.press("enter", "enter")
	h.wantScreen("Paste the URL your browser ended on")
	if len(h.browser.Opened()) != 1 {
		t.Fatal("the consent page was not opened")
	}
}

func TestAttemptStartedAfterCancellingIsClosed(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter", "enter")
	flow := h.consentView().flow
	h.press("esc", "enter") // cancel and start again
	// The old start answers late, with a listener bound.
	late := &fakeAttempt{done: make(chan outcome, 1), hint: make(chan string, 1)}
	h.send(consentStartedMsg{flow: flow, attempt: late})
	if !late.isClosed() {
		t.Fatal("an attempt that started for an old flow was left open")
	}
	if h.consentView().attempt == consent.Flow(late) {
		t.Fatal("an old attempt was taken as the current one")
	}
}

func TestWithoutAConsentRunnerSavingStillWorks(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"))
	h.w.deps.consent = nil
	h.press("down")
	if strings.Contains(h.screen(), "authenticate again") {
		t.Fatal("re-authenticating is offered without a consent runner")
	}
	h.press("a")
	h.wantStep(1)
	h.press("up", "enter")
	h.walkTo(12)
	h.press("enter")
	h.wantScreen("✓ Saved as")
	if strings.Contains(h.screen(), "authenticate now") {
		t.Fatal("authenticating is offered without a consent runner")
	}
	h.press("enter")
	if h.consentView().attempt != nil || h.quit {
		t.Fatal("enter did something with no consent to run")
	}
	h.press("q")
	if !h.quit {
		t.Fatal("q did not finish")
	}
}

func TestLeavingWhileTheConsentStartsClosesItLater(t *testing.T) {
	h := newHarness(t)
	h.walkTo(12)
	h.press("enter")
	h.w.steps[stepSave].(*saveStep).phase = phaseConsent
	cmd := h.consentView().start(h.w.ctx()) // started, its answer not delivered yet
	h.press("esc")                          // the admin goes back meanwhile
	h.wantStep(11)
	for _, msg := range runBatch(cmd) {
		if started, ok := msg.(consentStartedMsg); ok {
			h.send(started)
			a := started.attempt.(*fakeAttempt)
			if !a.isClosed() {
				t.Fatal("an attempt that started after the admin left step 12 was left open")
			}
			return
		}
	}
	t.Fatal("no start message")
}

// runBatch runs cmd and the commands of a batch it returns, without
// waiting on any that blocks (timers).
func runBatch(cmd tea.Cmd) []tea.Msg {
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{msg}
	}
	var out []tea.Msg
	for _, c := range batch {
		got := make(chan tea.Msg, 1)
		go func() { got <- c() }()
		select {
		case m := <-got:
			out = append(out, m)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return out
}
