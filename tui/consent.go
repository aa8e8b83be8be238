package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/validate"
)

// consentView runs one consent at a time on step 12. Every message of an
// attempt carries its flow number; a message from an earlier attempt
// (cancelled, retried) is dropped.
type consentView struct {
	flow    int
	ctx     context.Context
	cancel  context.CancelFunc
	attempt consentAttempt
	now     time.Time

	spinner  spinner.Model
	hint     string
	pasting  bool
	paste    textinput.Model
	pasteErr string

	result *consentResult
	err    error
	sites  sitePicker
}

type (
	consentStartedMsg struct {
		flow    int
		attempt consentAttempt
		err     error
	}
	consentDoneMsg struct {
		flow   int
		result consentResult
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
)

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
func (c *consentView) start(w *wizard) tea.Cmd {
	c.stop()
	c.flow++
	c.result, c.err, c.pasting, c.pasteErr, c.hint = nil, nil, false, "", ""
	ctx, cancel := context.WithCancel(context.Background())
	c.ctx, c.cancel = ctx, cancel
	c.now = w.deps.now()
	c.spinner = spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(w.styles.Value))
	flow, runner, name := c.flow, w.deps.consent, w.draft.Profile.Name
	return tea.Batch(c.spinner.Tick, func() tea.Msg {
		a, err := runner.Start(ctx, name)
		return consentStartedMsg{flow: flow, attempt: a, err: err}
	})
}

// stop cancels the attempt in progress; its waiting command then closes
// it. Messages still on their way for it now carry an old flow number.
func (c *consentView) stop() {
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	c.attempt = nil
	c.flow++
}

func (c *consentView) waiting() bool { return c.attempt != nil && c.result == nil && c.err == nil }

func (c *consentView) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case consentStartedMsg:
		return c.onStarted(w, msg), true
	case consentDoneMsg:
		if msg.flow != c.flow {
			return nil, true
		}
		c.attempt, c.cancel = nil, nil
		w.notice = notice{} // "opened in your browser" is old news now
		if msg.err != nil {
			c.err = msg.err
			return nil, true
		}
		c.result = &msg.result
		c.sites = newSitePicker(msg.result)
		return nil, true
	case consentHintMsg:
		if msg.flow == c.flow && c.waiting() {
			c.hint = validate.Sanitize(msg.text)
		}
		return nil, true
	case consentTickMsg:
		if msg.flow != c.flow || !c.waiting() {
			return nil, true
		}
		c.now = msg.at
		return c.tick(w), true
	case pastedMsg:
		if msg.flow == c.flow && msg.err != nil {
			c.pasteErr = validate.Sanitize(msg.err.Error())
			c.pasting = true
		}
		return nil, true
	case spinner.TickMsg:
		var cmd tea.Cmd
		if c.waiting() || c.attempt == nil && c.err == nil && c.result == nil {
			c.spinner, cmd = c.spinner.Update(msg)
		}
		return cmd, true
	case tea.KeyPressMsg:
		return c.key(w, msg)
	}
	if c.pasting {
		return updateInput(&c.paste, msg)
	}
	return c.sites.update(w, msg)
}

func (c *consentView) onStarted(w *wizard, msg consentStartedMsg) tea.Cmd {
	if msg.flow != c.flow {
		if a := msg.attempt; a != nil {
			// A start cancelled while it bound the port: let the port go.
			return func() tea.Msg { _ = a.Close(); return nil }
		}
		return nil
	}
	if msg.err != nil {
		c.err = msg.err
		return nil
	}
	c.attempt = msg.attempt
	if !msg.attempt.Listening() {
		// Nothing on this computer will receive the answer: the admin
		// pastes the address the browser ends on.
		c.openPaste(w)
	}
	return tea.Batch(w.openURL(msg.attempt.AuthURL()), c.wait(), c.waitHint(), c.tick(w))
}

// waitHint blocks until the attempt says the wait looks stuck.
func (c *consentView) waitHint() tea.Cmd {
	a, flow, ctx := c.attempt, c.flow, c.ctx
	return func() tea.Msg {
		text, ok := a.Hint(ctx)
		if !ok {
			return nil
		}
		return consentHintMsg{flow: flow, text: text}
	}
}

func (c *consentView) openPaste(w *wizard) tea.Cmd {
	c.pasting, c.pasteErr = true, ""
	c.paste = newInput(w.styles, "http://localhost:…/callback?code=…&state=…")
	return c.paste.Focus()
}

// wait blocks on the attempt in the background and closes it afterwards;
// cancelling the context (leaving the step, quitting) ends it.
func (c *consentView) wait() tea.Cmd {
	a, flow, ctx := c.attempt, c.flow, c.ctx
	return func() tea.Msg {
		res, err := a.Wait(ctx)
		_ = a.Close()
		return consentDoneMsg{flow: flow, result: res, err: err}
	}
}

// tick re-arms the once-a-second clock for the countdown and the hint.
func (c *consentView) tick(w *wizard) tea.Cmd {
	flow, now := c.flow, w.deps.now
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return consentTickMsg{flow: flow, at: now()} })
}

func (c *consentView) key(w *wizard, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case c.pasting:
		return c.pasteKey(w, k)
	case c.result != nil:
		return c.sites.update(w, k)
	case c.err != nil && key.Matches(k, retryKey):
		return c.start(w), true
	case !c.waiting():
		return nil, false
	case key.Matches(k, reopenKey):
		return w.openURL(c.attempt.AuthURL()), true
	case key.Matches(k, copyURLKey):
		return w.copyText("the authorization URL", c.attempt.AuthURL()), true
	case key.Matches(k, pasteModeKey):
		return c.openPaste(w), true
	case key.Matches(k, cancelKey):
		c.stop()
		c.err = errCancelled
		return nil, true
	}
	return nil, false
}

func (c *consentView) pasteKey(w *wizard, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(k, pasteCancelKey):
		c.pasting = false
		return nil, true
	case key.Matches(k, pasteSubmitKey):
		if c.attempt == nil {
			return nil, true
		}
		a, flow, input := c.attempt, c.flow, validate.Clean(c.paste.Value())
		c.pasting, c.pasteErr = false, ""
		return func() tea.Msg { return pastedMsg{flow: flow, err: a.Paste(input)} }, true
	}
	return updateInput(&c.paste, k)
}

// errCancelled is the admin pressing esc while waiting.
var errCancelled = fmt.Errorf("you cancelled the consent; the profile is saved, so nothing is lost")

func (c *consentView) keys(w *wizard) []key.Binding {
	switch {
	case c.pasting:
		return []key.Binding{pasteSubmitKey, pasteCancelKey}
	case c.result != nil:
		return c.sites.keys()
	case c.err != nil:
		return []key.Binding{retryKey}
	case c.waiting():
		return []key.Binding{reopenKey, copyURLKey, pasteModeKey, cancelKey}
	}
	return nil
}
