package tui

import (
	"fmt"
	"net/url"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// The start screen's list: the draft to resume, "New", the way into a
// rehearsal, then the saved profiles, of which only the rows in the window
// are rendered.

const (
	headerLines   = 2  // the column titles above the list, and a spare line
	rowsFallback  = 5  // rows shown before the window size is known
	stateColWidth = 32 // room for site and token state beside the name
)

// The moves within the list, each a part of startMove.
var (
	listUp     = binding("↑", "up", "up", "k")
	listDown   = binding("↓", "down", "down", "j")
	listPgUp   = binding("pgup", "page up")
	listPgDown = binding("pgdown", "page down")
	listHome   = binding("home", "first")
	listEnd    = binding("end", "last")
)

// rows counts the list: the fixed rows, then the profiles.
func (s *startStep) rows(c *stepContext) int { return s.fixedRows(c) + len(c.saved.profiles) }

// fixedRows counts the rows above the profiles: the draft to resume, "New",
// and the way into a rehearsal.
func (s *startStep) fixedRows(c *stepContext) int {
	n := 1
	if c.saved.resumable != nil {
		n++
	}
	if c.deps.offerRehearsal {
		n++
	}
	return n
}

// isRehearsalRow: row i leads into `authwiz demo`; it sits just above the
// profiles.
func (s *startStep) isRehearsalRow(c *stepContext, i int) bool {
	return c.deps.offerRehearsal && i == s.fixedRows(c)-1
}

// profileAt is the profile on row i, if that row is one.
func (s *startStep) profileAt(c *stepContext, i int) (profile.Profile, bool) {
	i -= s.fixedRows(c)
	if i < 0 || i >= len(c.saved.profiles) {
		return profile.Profile{}, false
	}
	return c.saved.profiles[i], true
}

func (s *startStep) isResumeRow(c *stepContext, i int) bool {
	return c.saved.resumable != nil && i == 0
}

// visible is how many rows fit, with room left under them for the notes,
// so the delete question and its answer are never scrolled out of view.
func (s *startStep) visible(c *stepContext) int {
	problems, notes := s.notes(c)
	return max(c.room()-headerLines-strings.Count(problems+notes, "\n"), rowsFallback)
}

// notes are what the view shows under the rows, each line ending in a line
// break: problems reading the profiles (above the row count), then the
// delete question and an error.
func (s *startStep) notes(c *stepContext) (problems, notes string) {
	st := c.styles
	for _, p := range c.saved.problems {
		problems += st.Warning.Render(wrap("! "+validate.Sanitize(p), c.width)) + "\n"
	}
	if s.confirmDelete != "" {
		notes += "\n" + st.Warning.Render(wrap(fmt.Sprintf(
			"Delete %q with its client secret and tokens? The app in the Developer Console stays. y/n", validate.Sanitize(s.confirmDelete)), c.width)) + "\n"
	}
	if s.err != "" {
		notes += "\n" + st.Error.Render(wrap("✗ "+s.err, c.width)) + "\n"
	}
	return problems, notes
}

func (s *startStep) move(c *stepContext, k tea.KeyPressMsg) {
	page := s.visible(c)
	switch {
	case key.Matches(k, listUp):
		s.cursor--
	case key.Matches(k, listDown):
		s.cursor++
	case key.Matches(k, listPgUp):
		s.cursor -= page
	case key.Matches(k, listPgDown):
		s.cursor += page
	case key.Matches(k, listHome):
		s.cursor = 0
	case key.Matches(k, listEnd):
		s.cursor = s.rows(c) - 1
	}
	s.cursor = max(0, min(s.cursor, s.rows(c)-1))
}

// follow keeps the cursor inside the window of visible rows.
func (s *startStep) follow(c *stepContext) {
	s.offset = s.window(c)
}

// window is the first visible row for the cursor as it is now.
func (s *startStep) window(c *stepContext) int {
	page, offset := s.visible(c), s.offset
	if s.cursor < offset {
		offset = s.cursor
	}
	if s.cursor >= offset+page {
		offset = s.cursor - page + 1
	}
	return max(0, min(offset, s.rows(c)-page))
}

func (s *startStep) view(c *stepContext) string {
	st := c.styles
	offset := s.window(c) // the list may have grown or the window changed since the last key
	nameWidth := max(min(c.width-stateColWidth-4, 40), 12)
	var b strings.Builder
	b.WriteString(st.Subtle.Render(fmt.Sprintf("  %-*s %s", nameWidth, "Profile", "Site · token")) + "\n")
	end := min(offset+s.visible(c), s.rows(c))
	for i := offset; i < end; i++ {
		line := s.rowText(c, i, nameWidth)
		if i == s.cursor {
			b.WriteString(st.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + line)
		}
		b.WriteByte('\n')
	}
	if !c.saved.loaded {
		b.WriteString(st.Subtle.Render("  Reading saved profiles…") + "\n")
	}
	problems, notes := s.notes(c)
	b.WriteString(problems)
	if n := len(c.saved.profiles); n > s.visible(c) {
		b.WriteString(st.Subtle.Render(fmt.Sprintf("  %d–%d of %d rows", offset+1, end, s.rows(c))) + "\n")
	}
	b.WriteString(notes)
	return strings.TrimRight(b.String(), "\n")
}

func (s *startStep) rowText(c *stepContext, i, nameWidth int) string {
	if s.isResumeRow(c, i) {
		d := c.saved.resumable
		return fmt.Sprintf("Resume the unfinished %q (step %d)", validate.Sanitize(d.Profile.Name), d.Step)
	}
	if s.isRehearsalRow(c, i) {
		return "◇ Rehearse first, with a stand-in for Atlassian"
	}
	raw, ok := s.profileAt(c, i)
	if !ok {
		return "+ New authentication"
	}
	p := cleanProfile(raw)
	site := p.Site.Name
	if site == "" {
		site = "no site yet"
	}
	_, state := p.TokenState(c.deps.now())
	if g, shared := c.saved.shared[raw.Name]; shared {
		// Its tokens are in the store, not here: "needs consent" would
		// send the admin to a consent that makes a grant no host shares.
		used := 2 + nameWidth + 1 + len([]rune(truncate(site, 20))) + 3
		state = truncate("shared · "+validate.Sanitize(storeHost(g.Store)), max(c.width-used, 12))
	}
	return fmt.Sprintf("%-*s %s · %s", nameWidth, truncate(p.Name, nameWidth), truncate(site, 20), state)
}

// storeHost is a store's address as short as a row needs it: its host and
// database, which tell one store from another; key presses say it whole.
func storeHost(address string) string {
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		return address
	}
	return u.Host + u.Path
}

// truncate cuts text to width runes, marking the cut with an ellipsis.
func truncate(text string, width int) string {
	r := []rune(text)
	if len(r) <= width {
		return text
	}
	return string(r[:max(width-1, 0)]) + "…"
}
