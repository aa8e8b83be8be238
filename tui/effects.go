package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// The wizard carries out what steps ask for through their context.

// noticeMsg reports the outcome of a copy or an open, for the step that
// asked; a late one for a step already left is dropped.
type noticeMsg struct {
	step stepID
	notice
}

// copy puts a value on the clipboard twice over: the system clipboard
// (works locally) and OSC 52 through the terminal (works over SSH where the
// terminal supports it). Which one worked cannot be known for OSC 52, so
// the message says what was tried, and the text stays on screen to select.
// A value its check refuses is not copied: it would be pasted into the
// console as it is, and fail only at the consent.
func (w *wizard) copy(what string, value validate.Result) tea.Cmd {
	if value.Err != nil {
		w.notice = notice{bad: true, text: "Not copied: fix " + what + " first, as the ✗ line says."}
		return nil
	}
	cb, at, text := w.deps.clipboard, w.cur, value.Value
	return tea.Batch(tea.SetClipboard(text), func() tea.Msg {
		if err := cb.WriteAll(text); err != nil {
			return noticeMsg{at, notice{bad: true,
				text: "Could not reach the system clipboard; sent to your terminal — or select the text above."}}
		}
		return noticeMsg{at, notice{text: "Copied " + what + "."}}
	})
}

// open opens url in the browser; a failure is shown beside the link,
// which is always on screen too.
func (w *wizard) open(url string) tea.Cmd {
	b, at := w.deps.browser, w.cur
	return func() tea.Msg {
		if err := b.Open(url); err != nil {
			return noticeMsg{at, notice{bad: true,
				text: fmt.Sprintf("Not opened: %s.", strings.TrimSuffix(validate.Sanitize(err.Error()), "."))}}
		}
		return noticeMsg{at, notice{text: "Opened in your browser."}}
	}
}

// startConsentMsg starts the consent on step 12 as soon as it is entered.
type startConsentMsg struct{}

// begin starts d, once the run in progress is put aside or thrown away
// with the admin's say.
func (w *wizard) begin(d *draft, at stepID, how beginning) tea.Cmd {
	return w.guardRun(func() tea.Cmd { return w.beginNow(d, at, how) })
}

func (w *wizard) beginNow(d *draft, at stepID, how beginning) tea.Cmd {
	w.openDraft(d, at)
	w.resumedDraft = how.resumed
	if how.baseline != nil {
		w.baseline = *how.baseline
	}
	enter := w.step().enter(w.ctx())
	if how.consent {
		return tea.Batch(enter, func() tea.Msg { return startConsentMsg{} })
	}
	return enter
}

// saved makes the wizard continue as an edit of what was just saved, so a
// second save updates it and quitting loses nothing.
func (w *wizard) saved(p profile.Profile) tea.Cmd {
	d := w.draft
	w.start.profiles = upsertProfile(w.start.profiles, d.EditOf, p)
	d.KeptSecret, d.Secret = d.secret(), ""
	d.EditOf, d.Original, d.Profile = p.Name, p, p
	d.Profile.Scopes = append([]string(nil), p.Scopes...)
	w.baseline = *d
	if !w.resumedDraft {
		return nil
	}
	w.resumedDraft, w.start.resumable = false, nil
	drafts := w.deps.drafts
	return func() tea.Msg { _ = drafts.DeleteDraft(); return nil }
}

// upsertProfile replaces the profile called old (before a rename) with p,
// or adds p when it is new.
func upsertProfile(list []profile.Profile, old string, p profile.Profile) []profile.Profile {
	for i := range list {
		if old != "" && list[i].Name == old {
			list[i] = p
			return list
		}
	}
	return append(list, p)
}

// finish stops whatever the current step runs and ends the program.
func (w *wizard) finish(outcome string) tea.Cmd {
	if outcome != "" {
		w.outcome = outcome
	}
	w.step().leave(w.ctx())
	return tea.Quit
}

func (w *wizard) rehearse() tea.Cmd {
	return w.guardRun(func() tea.Cmd {
		w.wantsRehearsal = true
		return tea.Quit
	})
}

func (w *wizard) hideErrors()  { w.showErrors = false }
func (w *wizard) clearNotice() { w.notice = notice{} }

// valueEdited drops a notice about a value that is no longer there; any
// other notice stays until the step changes.
func (w *wizard) valueEdited() {
	if w.notice.untilEdit {
		w.clearNotice()
	}
}

func (w *wizard) forgetProfile(name string) {
	w.start.profiles = slices.DeleteFunc(w.start.profiles, func(p profile.Profile) bool { return p.Name == name })
}

func (w *wizard) forgetDraft() { w.start.resumable = nil }
