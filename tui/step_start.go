package tui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// startStep is step 1: a new authentication, a draft to resume, or a saved
// profile to edit, consent again for, or delete. The profile list comes
// from startData, read once in the background; it carries each profile's
// token state, so no secret is read to show it.
type startStep struct {
	cursor, offset int
	confirmDelete  string
	err            string
	// pendingNew is "New authentication" chosen before the saved profiles
	// were read (a script can be that quick).
	pendingNew bool
}

var (
	startChoose  = binding("enter", "open", "enter", "tab")
	startReauth  = binding("a", "authenticate again")
	startDelete  = binding("d", "delete")
	startDiscard = binding("x", "discard draft")
	startMove    = binding("↑/↓", "move", "up", "down", "k", "j", "pgup", "pgdown", "home", "end")
	startConfirm = binding("y", "yes, delete")
	startDecline = binding("n", "keep it", "n", "esc")
	startQuitKey = binding("q", "quit")
)

const (
	headerLines   = 2  // the column titles above the list, and a spare line
	rowsFallback  = 5  // rows shown before the window size is known
	stateColWidth = 32 // room for site and token state beside the name
)

func (s *startStep) title() string { return "Start" }

func (s *startStep) guide(w *wizard) string {
	if w.deps.rehearsal != nil {
		return "This is a rehearsal: the same twelve steps against a stand-in for Atlassian running on " +
			"this computer, with a consent page of its own. Nothing here touches Atlassian or your real " +
			"profiles; the profiles below are rehearsal profiles."
	}
	return "authwiz sets up an Atlassian OAuth 2.0 (3LO) authentication for Confluence in the " +
		"same twelve steps as the Integration Builder guide. Start a new one, or choose a saved " +
		"profile to change it, authenticate it again, or delete it."
}

func (s *startStep) enter(w *wizard) tea.Cmd {
	if s.pendingNew && w.start.loaded {
		s.pendingNew = false
		return s.choose(w)
	}
	s.cursor = min(s.cursor, s.rows(w)-1)
	return nil
}

func (s *startStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case profileOpenedMsg:
		return s.opened(w, msg), true
	case profileDeletedMsg:
		return s.deleted(w, msg), true
	case draftDiscardedMsg:
		if msg.err != nil {
			s.err = fmt.Sprintf("Could not discard the draft: %v", msg.err)
			return nil, true
		}
		w.start.resumable = nil
		s.cursor = max(s.cursor-1, 0)
		return nil, true
	case tea.KeyPressMsg:
		return s.key(w, msg)
	}
	return nil, false
}

func (s *startStep) key(w *wizard, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if s.confirmDelete != "" {
		name := s.confirmDelete
		switch {
		case key.Matches(msg, startConfirm):
			s.confirmDelete = ""
			store := w.deps.profiles
			return func() tea.Msg { return profileDeletedMsg{name: name, err: store.Delete(name)} }, true
		case key.Matches(msg, startDecline):
			s.confirmDelete = ""
		}
		return nil, true
	}
	s.err = ""
	p, onProfile := s.profileAt(w, s.cursor)
	switch {
	case key.Matches(msg, startMove):
		s.move(w, msg.String())
		return nil, true
	case key.Matches(msg, startChoose), msg.String() == "e" && onProfile:
		return s.choose(w), true
	case key.Matches(msg, startReauth) && onProfile && w.canConsent():
		return openProfile(w, p.Name, openReauth), true
	case key.Matches(msg, startDelete) && onProfile:
		s.confirmDelete = p.Name
		return nil, true
	case key.Matches(msg, startDiscard) && w.start.resumable != nil:
		store := w.deps.drafts
		return func() tea.Msg { return draftDiscardedMsg{err: store.DeleteDraft()} }, true
	case key.Matches(msg, startQuitKey):
		return w.requestQuit(), true
	}
	return nil, false
}

// choose acts on the row under the cursor.
func (s *startStep) choose(w *wizard) tea.Cmd {
	switch p, onProfile := s.profileAt(w, s.cursor); {
	case s.isResumeRow(w, s.cursor):
		return resumeDraft(w, *w.start.resumable)
	case onProfile:
		return openProfile(w, p.Name, openEdit)
	case s.isRehearsalRow(w, s.cursor):
		w.rehearse = true
		return tea.Quit
	case !w.start.loaded:
		// The new profile's name must be unique among profiles not read
		// yet: it starts as soon as they are.
		s.pendingNew = true
		return nil
	default:
		w.open(newDraft(profile.Names(w.start.profiles), w.defaultEndpoints()), 1)
		return w.step().enter(w)
	}
}

func (s *startStep) validate(*wizard) verdict { return verdict{} }

func (s *startStep) keys(w *wizard) []key.Binding {
	if s.confirmDelete != "" {
		return []key.Binding{startConfirm, startDecline}
	}
	keys := []key.Binding{startMove, startChoose}
	if _, ok := s.profileAt(w, s.cursor); ok {
		if w.canConsent() {
			keys = append(keys, startReauth)
		}
		keys = append(keys, startDelete)
	}
	if w.start.resumable != nil {
		keys = append(keys, startDiscard)
	}
	return append(keys, startQuitKey)
}

func (s *startStep) deleted(w *wizard, msg profileDeletedMsg) tea.Cmd {
	if msg.err != nil {
		s.err = fmt.Sprintf("Could not delete %q: %v", msg.name, msg.err)
		return nil
	}
	w.start.profiles = slices.DeleteFunc(w.start.profiles, func(p profile.Profile) bool { return p.Name == msg.name })
	s.cursor = max(0, min(s.cursor, s.rows(w)-1))
	return nil
}

type (
	profileDeletedMsg struct {
		name string
		err  error
	}
	draftDiscardedMsg struct{ err error }
)

func (s *startStep) modal() bool { return s.confirmDelete != "" }
