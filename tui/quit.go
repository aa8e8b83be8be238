package tui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// quitDialog asks before throwing away what was typed: on quitting, or on
// choosing on the start screen something that replaces the run (another
// profile, a draft, a rehearsal).
type quitDialog struct {
	err string // a failed draft save, shown in the dialog
	// then is what replaces the run once it is saved as a draft or thrown
	// away; nil when quitting.
	then func() tea.Cmd
}

// draftSavedMsg reports the draft save asked for on leaving.
type draftSavedMsg struct {
	draft profile.Draft
	err   error
}

var (
	quitSaveDraft  = binding("s", "save draft and quit")
	quitDiscard    = binding("q", "quit without saving", "q", "ctrl+c")
	quitStay       = binding("esc", "keep going", "esc", "n")
	leaveSaveDraft = binding("s", "save draft, go on")
	leaveDiscard   = binding("d", "throw away, go on")
	leaveStay      = binding("esc", "back to what you typed", "esc", "n")
)

// guardRun does next at once when the run holds nothing that would be
// lost, and asks first otherwise.
func (w *wizard) guardRun(next func() tea.Cmd) tea.Cmd {
	if !w.unsaved() {
		return next()
	}
	w.quit = &quitDialog{then: next}
	return nil
}

// requestQuit quits at once when nothing would be lost, and asks otherwise.
func (w *wizard) requestQuit() tea.Cmd {
	if !w.unsaved() {
		return w.finish(w.quitOutcome())
	}
	w.quit = &quitDialog{}
	return nil
}

// quitOutcome is what step 12 has to say about the profile it saved, so
// quitting never leaves the admin guessing.
func (w *wizard) quitOutcome() string {
	if s, ok := w.step().(*saveStep); ok {
		return s.quitOutcome(w.ctx())
	}
	return ""
}

// unsaved reports whether quitting now would lose typed values or progress
// through the console steps of a new profile.
func (w *wizard) unsaved() bool {
	d, b := w.draft, w.baseline
	changed := d.Profile.Name != b.Profile.Name || d.Profile.AppName != b.Profile.AppName ||
		d.Profile.RedirectURL != b.Profile.RedirectURL || d.Profile.ClientID != b.Profile.ClientID ||
		d.Profile.AuthURL != b.Profile.AuthURL || d.Profile.TokenURL != b.Profile.TokenURL ||
		d.Profile.APIBaseURL != b.Profile.APIBaseURL || !slices.Equal(d.Profile.Scopes, b.Profile.Scopes) ||
		d.Secret != b.Secret
	progressed := d.EditOf == "" && w.reached > firstProfileStep
	return changed || progressed
}

func (w *wizard) updateQuit(msg tea.KeyPressMsg) tea.Cmd {
	if then := w.quit.then; then != nil {
		switch {
		case key.Matches(msg, leaveSaveDraft):
			return w.saveDraft()
		case key.Matches(msg, leaveDiscard):
			w.quit = nil
			return then()
		case key.Matches(msg, leaveStay):
			w.quit = nil
			return w.goTo(max(w.reached, firstProfileStep))
		case key.Matches(msg, w.keys.Quit):
			w.quit.then = nil // now it is about quitting
		}
		return nil
	}
	switch {
	case key.Matches(msg, quitSaveDraft):
		return w.saveDraft()
	case key.Matches(msg, quitDiscard):
		return w.finish("")
	case key.Matches(msg, quitStay):
		w.quit = nil
	}
	return nil
}

// saveDraft puts the run aside, at the furthest step it reached.
func (w *wizard) saveDraft() tea.Cmd {
	d := profile.Draft{Profile: w.draft.Profile, Step: max(w.cur, w.reached).number(), EditOf: w.draft.EditOf,
		ExistingApp: w.draft.ExistingApp}
	store := w.deps.drafts
	return func() tea.Msg { return draftSavedMsg{draft: d, err: store.SaveDraft(d)} }
}

func (w *wizard) draftSaved(msg draftSavedMsg) tea.Cmd {
	if w.quit == nil {
		return nil
	}
	if msg.err != nil {
		w.quit.err = fmt.Sprintf("Could not save the draft: %v. Press %s to go on without it, or esc to keep it open.",
			msg.err, w.discardKey().Help().Key)
		return nil
	}
	if then := w.quit.then; then != nil {
		w.quit = nil
		w.start.resumable = &msg.draft
		return then()
	}
	return w.finish("Draft saved (without the client secret). Run " + profile.Program + " again to pick up where you left off.")
}

func (w *wizard) discardKey() key.Binding {
	if w.quit != nil && w.quit.then != nil {
		return leaveDiscard
	}
	return quitDiscard
}

func (w *wizard) quitView(c *stepContext) string {
	s := w.styles
	width := min(c.width, 64) - 4 // border and padding
	title, save, discard, stay := "Quit with unsaved changes?", "save a draft and quit: the next run offers to resume it.",
		"quit and throw the changes away", "keep going"
	if w.quit.then != nil {
		title, save, discard, stay = "Leave what you typed?", "save it as a draft first: the start screen offers to resume it.",
			"throw the changes away", "back to what you typed"
	}
	body := s.Warning.Render(title) + "\n\n" +
		wrap("What you typed on this run is not saved yet.", width) + "\n\n" +
		s.Key.Render("s") + "   " + hang(save+" Drafts never hold the client secret, so you type it again on step "+
		fmt.Sprint(stepCredentials.number())+".", width, 4) + "\n" +
		s.Key.Render(w.discardKey().Help().Key) + "   " + hang(discard, width, 4) + "\n" +
		s.Key.Render("esc") + " " + stay
	if w.quit.err != "" {
		body += "\n\n" + s.Error.Render(wrap(w.quit.err, width))
	}
	return s.Dialog.Render(body)
}

func (w *wizard) quitKeys() []key.Binding {
	if w.quit.then != nil {
		return []key.Binding{leaveSaveDraft, leaveDiscard, leaveStay}
	}
	return []key.Binding{quitSaveDraft, quitDiscard, quitStay}
}
