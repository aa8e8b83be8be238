package tui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// quitDialog asks before throwing away what was typed.
type quitDialog struct {
	err string // a failed draft save, shown in the dialog
}

// draftSavedMsg reports the draft save asked for on quitting.
type draftSavedMsg struct{ err error }

var (
	quitSaveDraft = binding("s", "save draft and quit")
	quitDiscard   = binding("q", "quit without saving", "q", "ctrl+c")
	quitStay      = binding("esc", "keep going", "esc", "n")
)

// requestQuit quits at once when nothing would be lost, and asks otherwise.
func (w *wizard) requestQuit() tea.Cmd {
	if !w.unsaved() {
		return w.finish("")
	}
	w.quit = &quitDialog{}
	return nil
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
	switch {
	case key.Matches(msg, quitSaveDraft):
		d := profile.Draft{Profile: w.draft.Profile, Step: w.cur.number(), EditOf: w.draft.EditOf}
		store := w.deps.drafts
		return func() tea.Msg { return draftSavedMsg{err: store.SaveDraft(d)} }
	case key.Matches(msg, quitDiscard):
		return w.finish("")
	case key.Matches(msg, quitStay):
		w.quit = nil
	}
	return nil
}

func (w *wizard) draftSaved(msg draftSavedMsg) tea.Cmd {
	if msg.err != nil {
		if w.quit != nil {
			w.quit.err = fmt.Sprintf("Could not save the draft: %v. Press q to quit anyway, or esc to go on.", msg.err)
		}
		return nil
	}
	return w.finish("Draft saved (without the client secret). Run authwiz again to pick up where you left off.")
}

func (w *wizard) quitView(c *stepContext) string {
	s := w.styles
	width := min(c.width, 64) - 4 // border and padding
	body := s.Warning.Render("Quit with unsaved changes?") + "\n\n" +
		wrap("What you typed on this run is not saved yet.", width) + "\n\n" +
		s.Key.Render("s") + "   " + hang("save a draft and quit: the next run offers to resume it. "+
		"Drafts never hold the client secret, so you type it again on step "+fmt.Sprint(stepCredentials.number())+".", width, 4) + "\n" +
		s.Key.Render("q") + "   " + hang("quit and throw the changes away", width, 4) + "\n" +
		s.Key.Render("esc") + " keep going"
	if w.quit.err != "" {
		body += "\n\n" + s.Error.Render(wrap(w.quit.err, width))
	}
	return s.Dialog.Render(body)
}

func quitKeys() []key.Binding { return []key.Binding{quitSaveDraft, quitDiscard, quitStay} }
