package tui

import (
	"fmt"
	"strings"

	"github.com/authwiz/authwiz/internal/profile"
)

// The start screen's list: the draft to resume, "New", then the saved
// profiles, of which only the rows in the window are rendered.

// rows counts the list: the draft to resume, "New", then the profiles.
func (s *startStep) rows(w *wizard) int { return s.fixedRows(w) + len(w.start.profiles) }

// fixedRows counts the rows above the profiles: the draft to resume, "New",
// and the way into a rehearsal.
func (s *startStep) fixedRows(w *wizard) int {
	n := 1
	if w.start.resumable != nil {
		n++
	}
	if w.deps.offerRehearsal {
		n++
	}
	return n
}

// isRehearsalRow: row i leads into `authwiz demo`; it sits just above the
// profiles.
func (s *startStep) isRehearsalRow(w *wizard, i int) bool {
	return w.deps.offerRehearsal && i == s.fixedRows(w)-1
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
	if s.isRehearsalRow(w, i) {
		return "◇ Rehearse first, with a stand-in for Atlassian"
	}
	p, ok := s.profileAt(w, i)
	if !ok {
		return "+ New authentication"
	}
	site := p.Site.Name
	if site == "" {
		site = "no site yet"
	}
	_, state := p.TokenState(w.deps.now())
	return fmt.Sprintf("%-*s %s · %s", nameWidth, truncate(p.Name, nameWidth), truncate(site, 20), state)
}

// truncate cuts text to width runes, marking the cut with an ellipsis.
func truncate(text string, width int) string {
	r := []rune(text)
	if len(r) <= width {
		return text
	}
	return string(r[:max(width-1, 0)]) + "…"
}
