package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/validate"
)

// noticeMsg reports the outcome of a copy or an open, for the step that
// asked; a late one for a step already left is dropped.
type noticeMsg struct {
	step int
	notice
}

// copyText puts text on the clipboard twice over: the system clipboard
// (works locally) and OSC 52 through the terminal (works over SSH where the
// terminal supports it). Which one worked cannot be known for OSC 52, so
// the message says what was tried, and the text stays on screen to select.
func (w *wizard) copyText(what, text string) tea.Cmd {
	cb, at := w.deps.clipboard, w.cur
	return tea.Batch(tea.SetClipboard(text), func() tea.Msg {
		if err := cb.WriteAll(text); err != nil {
			return noticeMsg{at, notice{bad: true,
				text: "Could not reach the system clipboard; sent to your terminal — or select the text above."}}
		}
		return noticeMsg{at, notice{text: "Copied " + what + "."}}
	})
}

// openURL opens url in the browser; a failure is shown beside the link,
// which is always on screen too.
func (w *wizard) openURL(url string) tea.Cmd {
	b, at := w.deps.browser, w.cur
	return func() tea.Msg {
		if err := b.Open(url); err != nil {
			return noticeMsg{at, notice{bad: true,
				text: fmt.Sprintf("Not opened: %s.", strings.TrimSuffix(validate.Sanitize(err.Error()), "."))}}
		}
		return noticeMsg{at, notice{text: "Opened in your browser."}}
	}
}
