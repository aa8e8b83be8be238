package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/validate"
)

// consentView runs one consent at a time on step 12. Every message of an
// attempt carries its flow number; a message from an earlier attempt
// (cancelled, retried) is dropped.
type consentView struct {
	flow    int
	ctx     context.Context
	cancel  context.CancelFunc
	attempt consent.Flow
	now     time.Time

	spinner spinner.Model
	// browser is how opening the consent page went: nil until it is
	// known, then the error (nil error: opened).
	browser  *error
	hint     string
	pasting  bool
	paste    textinput.Model
	pasteErr string

	result *consent.Result
	err    error
	sites  sitePicker
}

// consentMsg is a message about a consent attempt; the wizard hands it to
// step 12 even after the admin left it.
type consentMsg interface{ consentFlow() int }

type (
	consentStartedMsg struct {
		flow    int
		attempt consent.Flow
		err     error
	}
	consentDoneMsg struct {
		flow   int
		result consent.Result
		err    error
	}
	consentTickMsg struct {
		flow int
		at   time.Time
	}
	consentHintMsg struct {
		flow int
		text string
	}
	pastedMsg struct {
		flow int
		err  error
	}
	consentBrowserMsg struct {
		flow int
		err  error
	}
)

func (m consentStartedMsg) consentFlow() int { return m.flow }
func (m consentDoneMsg) consentFlow() int    { return m.flow }
func (m consentTickMsg) consentFlow() int    { return m.flow }
func (m consentHintMsg) consentFlow() int    { return m.flow }
func (m pastedMsg) consentFlow() int         { return m.flow }
func (m consentBrowserMsg) consentFlow() int { return m.flow }

var (
	reopenKey      = binding("o", "open browser again")
	copyURLKey     = binding("c", "copy the URL")
	pasteModeKey   = binding("p", "paste the URL instead")
	cancelKey      = binding("esc", "cancel")
	pasteSubmitKey = binding("enter", "check pasted URL")
	pasteCancelKey = binding("esc", "back to waiting")
	retryKey       = binding("enter", "try again")
)

// start begins a new attempt for the saved profile.
func (cv *consentView) start(c *stepContext) tea.Cmd {
	cv.stop()
	cv.flow++
	cv.result, cv.err, cv.pasting, cv.pasteErr, cv.hint, cv.browser = nil, nil, false, "", "", nil
	ctx, cancel := context.WithCancel(context.Background())
	cv.ctx, cv.cancel = ctx, cancel
	cv.now = c.deps.now()
	cv.spinner = spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(c.styles.Value))
	// The profile is saved before any consent: EditOf is its name as
	// stored, which the runner finds it by.
	flow, runner, name := cv.flow, c.deps.consent, c.draft.EditOf
	return tea.Batch(cv.spinner.Tick, func() tea.Msg {
		a, err := runner.Begin(ctx, name)
		return consentStartedMsg{flow: flow, attempt: a, err: err}
	})
}

// stop cancels the attempt in progress; its waiting command then closes
// it. Messages still on their way for it now carry an old flow number.
func (cv *consentView) stop() {
	if cv.cancel != nil {
		cv.cancel()
		cv.cancel = nil
	}
	cv.attempt = nil
	cv.flow++
}

func (cv *consentView) waiting() bool { return cv.attempt != nil && cv.result == nil && cv.err == nil }

func (cv *consentView) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case consentStartedMsg:
		return cv.onStarted(c, msg), true
	case consentDoneMsg:
		if msg.flow != cv.flow {
			return nil, true
		}
		cv.attempt, cv.cancel = nil, nil
		c.fx.clearNotice() // a copy's notice is old news now
		if msg.err != nil {
			cv.err = msg.err
			return nil, true
		}
		cv.result = &msg.result
		cv.sites = newSitePicker(msg.result)
		return nil, true
	case consentBrowserMsg:
		if msg.flow == cv.flow {
			cv.browser = &msg.err
		}
		return nil, true
	case consentHintMsg:
		if msg.flow == cv.flow && cv.waiting() {
			cv.hint = validate.Sanitize(msg.text)
		}
		return nil, true
	case consentTickMsg:
		if msg.flow != cv.flow || !cv.waiting() {
			return nil, true
		}
		cv.now = msg.at
		return cv.tick(c), true
	case pastedMsg:
		if msg.flow == cv.flow && msg.err != nil {
			cv.pasteErr = validate.Sanitize(msg.err.Error())
			cv.pasting = true
		}
		return nil, true
	case spinner.TickMsg:
		var cmd tea.Cmd
		if cv.waiting() || cv.attempt == nil && cv.err == nil && cv.result == nil {
			cv.spinner, cmd = cv.spinner.Update(msg)
		}
		return cmd, true
	case tea.KeyPressMsg:
		return cv.key(c, msg)
	}
	if cv.pasting {
		return updateInput(&cv.paste, msg, c.width, fieldIndent)
	}
	return cv.sites.update(c, msg)
}

func (cv *consentView) onStarted(c *stepContext, msg consentStartedMsg) tea.Cmd {
	if msg.flow != cv.flow {
		if a := msg.attempt; a != nil {
			// A start cancelled while it bound the port: let the port go.
			return func() tea.Msg { _ = a.Close(); return nil }
		}
		return nil
	}
	if msg.err != nil {
		cv.err = msg.err
		return nil
	}
	cv.attempt = msg.attempt
	var paste tea.Cmd
	if !msg.attempt.Listening() {
		// Nothing on this computer will receive the answer: the admin
		// pastes the address the browser ends on.
		paste = cv.openPaste(c)
	}
	return tea.Batch(paste, cv.openBrowser(c), cv.wait(), cv.waitHint(), cv.tick(c))
}

// openBrowser opens the consent page; the outcome is said in the guide,
// so the screen never claims a page the browser does not show.
func (cv *consentView) openBrowser(c *stepContext) tea.Cmd {
	cv.browser = nil
	b, url, flow := c.deps.browser, cv.attempt.AuthURL(), cv.flow
	return func() tea.Msg { return consentBrowserMsg{flow: flow, err: b.Open(url)} }
}

// waitHint blocks until the attempt says the wait looks stuck.
func (cv *consentView) waitHint() tea.Cmd {
	a, flow, ctx := cv.attempt, cv.flow, cv.ctx
	return func() tea.Msg {
		text, ok := a.Hint(ctx)
		if !ok {
			return nil
		}
		return consentHintMsg{flow: flow, text: text}
	}
}

func (cv *consentView) openPaste(c *stepContext) tea.Cmd {
	cv.pasting, cv.pasteErr = true, ""
	cv.paste = newInput(c.styles, "http://localhost:…/callback?code=…&state=…")
	return cv.paste.Focus()
}

// wait blocks on the attempt in the background and closes it afterwards;
// cancelling the context (leaving the step, quitting) ends it.
func (cv *consentView) wait() tea.Cmd {
	a, flow, ctx := cv.attempt, cv.flow, cv.ctx
	return func() tea.Msg {
		res, err := a.Wait(ctx)
		_ = a.Close()
		return consentDoneMsg{flow: flow, result: res, err: err}
	}
}

// tick re-arms the once-a-second clock for the countdown and the hint.
func (cv *consentView) tick(c *stepContext) tea.Cmd {
	flow, now := cv.flow, c.deps.now
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return consentTickMsg{flow: flow, at: now()} })
}

func (cv *consentView) key(c *stepContext, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case cv.pasting:
		return cv.pasteKey(c, k)
	case cv.result != nil:
		return cv.sites.update(c, k)
	case cv.err != nil && key.Matches(k, retryKey):
		return cv.start(c), true
	case cv.err != nil && key.Matches(k, finishKey):
		return c.fx.finish(nextCommands(c, false, indented)), true
	case !cv.waiting():
		return nil, false
	case key.Matches(k, reopenKey):
		return cv.openBrowser(c), true
	case key.Matches(k, copyURLKey):
		return c.fx.copy("the authorization URL", validate.Result{Value: cv.attempt.AuthURL()}), true
	case key.Matches(k, pasteModeKey):
		return cv.openPaste(c), true
	case key.Matches(k, cancelKey):
		cv.stop()
		cv.err = errCancelled
		return nil, true
	}
	return nil, false
}

func (cv *consentView) pasteKey(c *stepContext, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(k, pasteCancelKey):
		cv.pasting = false
		return nil, true
	case key.Matches(k, pasteSubmitKey):
		if cv.attempt == nil {
			return nil, true
		}
		a, flow, input := cv.attempt, cv.flow, validate.Clean(cv.paste.Value())
		cv.pasting, cv.pasteErr = false, ""
		return func() tea.Msg { return pastedMsg{flow: flow, err: a.Paste(input)} }, true
	}
	return updateInput(&cv.paste, k, c.width, fieldIndent)
}

// errCancelled is the admin pressing esc while waiting.
var errCancelled = fmt.Errorf("you cancelled the consent; the profile is saved, so nothing is lost")

func (cv *consentView) keys() []key.Binding {
	switch {
	case cv.pasting:
		return []key.Binding{pasteSubmitKey, pasteCancelKey}
	case cv.result != nil:
		return cv.sites.keys()
	case cv.err != nil:
		return []key.Binding{retryKey, finishKey}
	case cv.waiting():
		return []key.Binding{reopenKey, copyURLKey, pasteModeKey, cancelKey}
	}
	return nil
}
