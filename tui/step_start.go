package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// startStep is step 1: a new authentication, a draft to resume, or a saved
// profile to edit, consent again for, or delete. The profile list comes
// from startData, read once in the background; only the token states of the rows on screen
// are read, in the background, so 500 profiles open as fast as none.
type startStep struct {
	cursor, offset int
	states         map[string]string // token state by profile name
	asked          map[string]bool   // token states already requested
	confirmDelete  string
	err            string
}

var (
	startChoose   = binding("enter", "open", "enter", "tab")
	startReauth   = binding("a", "authenticate again")
	startDelete   = binding("d", "delete")
	startDiscard  = binding("x", "discard draft")
	startMove     = binding("↑/↓", "move", "up", "down", "k", "j", "pgup", "pgdown", "home", "end")
	startConfirm  = binding("y", "yes, delete")
	startDecline  = binding("n", "keep it", "n", "esc")
	startQuitKey  = binding("q", "quit")
	headerLines   = 2 // column titles and a blank line above the list
	rowsFallback  = 5
	stateColWidth = 32
)

func (s *startStep) title() string { return "Start" }

func (s *startStep) guide(*wizard) string {
	return "authwiz sets up an Atlassian OAuth 2.0 (3LO) authentication for Confluence in the " +
		"same twelve steps as the Integration Builder guide. Start a new one, or choose a saved " +
		"profile to change it, authenticate it again, or delete it."
}

func (s *startStep) enter(w *wizard) tea.Cmd {
	if s.states == nil {
		s.states, s.asked = map[string]string{}, map[string]bool{}
	}
	s.cursor = min(s.cursor, s.rows(w)-1)
	return s.loadVisibleStates(w)
}

// rows counts the list: the draft to resume, "New", then the profiles.
func (s *startStep) rows(w *wizard) int { return s.fixedRows(w) + len(w.start.profiles) }

func (s *startStep) fixedRows(w *wizard) int {
	if w.start.resumable != nil {
		return 2
	}
	return 1
}

// profileAt is the profile on row i, if that row is one.
func (s *startStep) profileAt(w *wizard, i int) (profile.Profile, bool) {
	i -= s.fixedRows(w)
	if i < 0 || i >= len(w.start.profiles) {
		return profile.Profile{}, false
	}
	return w.start.profiles[i], true
}

func (s *startStep) isResumeRow(w *wizard, i int) bool { return w.start.resumable != nil && i == 0 }

func (s *startStep) visible(w *wizard) int { return max(w.room-headerLines, rowsFallback) }

func (s *startStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tokenStatesMsg:
		for name, st := range msg {
			s.states[name] = st
		}
		return nil, true
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
		return s.loadVisibleStates(w), true
	case key.Matches(msg, startChoose), msg.String() == "e" && onProfile:
		return s.choose(w), true
	case key.Matches(msg, startReauth) && onProfile:
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

func (s *startStep) move(w *wizard, k string) {
	page := s.visible(w)
	switch k {
	case "up", "k":
		s.cursor--
	case "down", "j":
		s.cursor++
	case "pgup":
		s.cursor -= page
	case "pgdown":
		s.cursor += page
	case "home":
		s.cursor = 0
	case "end":
		s.cursor = s.rows(w) - 1
	}
	s.cursor = max(0, min(s.cursor, s.rows(w)-1))
}

// scroll keeps the cursor inside the window of visible rows.
func (s *startStep) scroll(w *wizard) {
	page := s.visible(w)
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+page {
		s.offset = s.cursor - page + 1
	}
	s.offset = max(0, min(s.offset, s.rows(w)-page))
}

// choose acts on the row under the cursor.
func (s *startStep) choose(w *wizard) tea.Cmd {
	switch p, onProfile := s.profileAt(w, s.cursor); {
	case s.isResumeRow(w, s.cursor):
		return resumeDraft(w, *w.start.resumable)
	case onProfile:
		return openProfile(w, p.Name, openEdit)
	case !w.start.loaded:
		return nil // a moment: the name must be unique among profiles not read yet
	default:
		w.open(newDraft(names(w.start.profiles)), 1)
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
		keys = append(keys, startReauth, startDelete)
	}
	if w.start.resumable != nil {
		keys = append(keys, startDiscard)
	}
	return append(keys, startQuitKey)
}

func (s *startStep) view(w *wizard) string {
	st := w.styles
	s.scroll(w)
	width := w.mainWidth()
	nameWidth := max(min(width-stateColWidth-4, 40), 12)
	var b strings.Builder
	b.WriteString(st.Subtle.Render(fmt.Sprintf("  %-*s %s", nameWidth, "Profile", "Site · token")) + "\n")
	end := min(s.offset+s.visible(w), s.rows(w))
	for i := s.offset; i < end; i++ {
		line := s.rowText(w, i, nameWidth)
		if i == s.cursor {
			b.WriteString(st.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + line)
		}
		b.WriteByte('\n')
	}
	if !w.start.loaded {
		b.WriteString(st.Subtle.Render("  Reading saved profiles…") + "\n")
	}
	for _, p := range w.start.problems {
		b.WriteString(st.Warning.Render(wrap("! "+p, width)) + "\n")
	}
	if n := len(w.start.profiles); n > s.visible(w) {
		b.WriteString(st.Subtle.Render(fmt.Sprintf("  %d–%d of %d rows", s.offset+1, end, s.rows(w))) + "\n")
	}
	if s.confirmDelete != "" {
		b.WriteString("\n" + st.Warning.Render(wrap(fmt.Sprintf(
			"Delete %q with its client secret and tokens? The app in the Developer Console stays. y/n", s.confirmDelete), width)))
	}
	if s.err != "" {
		b.WriteString("\n" + st.Error.Render(wrap("✗ "+s.err, width)))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *startStep) rowText(w *wizard, i, nameWidth int) string {
	if s.isResumeRow(w, i) {
		d := w.start.resumable
		return fmt.Sprintf("Resume the unfinished %q (step %d)", d.Profile.Name, d.Step)
	}
	p, ok := s.profileAt(w, i)
	if !ok {
		return "+ New authentication"
	}
	site := p.Site.Name
	if site == "" {
		site = "no site yet"
	}
	state, known := s.states[p.Name]
	if !known {
		state = "…"
	}
	return fmt.Sprintf("%-*s %s · %s", nameWidth, truncate(p.Name, nameWidth), truncate(site, 20), state)
}

// loadVisibleStates reads, in the background, the token states of the
// profiles on screen that are not known yet.
func (s *startStep) loadVisibleStates(w *wizard) tea.Cmd {
	s.scroll(w)
	var names []string
	for i := s.offset; i < min(s.offset+s.visible(w), s.rows(w)); i++ {
		if p, ok := s.profileAt(w, i); ok && !s.asked[p.Name] {
			s.asked[p.Name] = true
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	store, now := w.deps.profiles, w.deps.now
	return func() tea.Msg {
		states := make(tokenStatesMsg, len(names))
		for _, name := range names {
			p, sec, err := store.Get(name)
			if err != nil {
				states[name] = "unreadable"
				continue
			}
			states[name] = tokenState(p, sec, now())
		}
		return states
	}
}

func (s *startStep) deleted(w *wizard, msg profileDeletedMsg) tea.Cmd {
	if msg.err != nil {
		s.err = fmt.Sprintf("Could not delete %q: %v", msg.name, msg.err)
		return nil
	}
	w.start.profiles = slices.DeleteFunc(w.start.profiles, func(p profile.Profile) bool { return p.Name == msg.name })
	s.cursor = max(0, min(s.cursor, s.rows(w)-1))
	return s.loadVisibleStates(w)
}

// truncate cuts text to width runes, marking the cut with an ellipsis.
func truncate(text string, width int) string {
	r := []rune(text)
	if len(r) <= width {
		return text
	}
	return string(r[:max(width-1, 0)]) + "…"
}

type (
	tokenStatesMsg    map[string]string
	profileDeletedMsg struct {
		name string
		err  error
	}
	draftDiscardedMsg struct{ err error }
)

func (s *startStep) modal() bool { return s.confirmDelete != "" }
