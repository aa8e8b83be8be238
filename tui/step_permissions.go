package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/validate"
)

// permissionsStep is step 8: choose scopes from the catalog, then tick the
// same ones in the console. Typing filters the list.
type permissionsStep struct {
	filter textinput.Model
	rows   []scopeRow // the catalog rows matching the filter
	cursor int        // index into rows; always on a selectable row
	offset int
}

var (
	scopeMove   = binding("↑/↓", "move", "up", "down", "pgup", "pgdown")
	scopeToggle = binding("space", "tick / apply preset", "space")
	scopeClear  = binding("esc", "clear filter")
)

// pickerChrome is the lines around the list: filter, blank, tick list.
const pickerChrome = 5

func (s *permissionsStep) title() string { return "Permissions" }

func (s *permissionsStep) guide(w *wizard) string {
	text := "In the console open Permissions, click Add next to Confluence API, then Configure. " +
		"Pick scopes here, then tick the same ones there (Edit scopes) and save. " +
		"offline_access is never ticked in the console: step 11 adds it to the request."
	if w.deps.rehearsal != nil {
		text += " Rehearsal: the rehearsal app has every scope already; just pick them here."
	}
	return text
}

func (s *permissionsStep) enter(w *wizard) tea.Cmd {
	s.filter = newInput(w.styles, "type to filter")
	s.filter.Prompt = "Filter: "
	s.setRows(scopeRows())
	return s.filter.Focus()
}

func (s *permissionsStep) restyle(st Styles) { s.filter.SetStyles(st.Input) }

func (s *permissionsStep) typing() bool { return true }

func (s *permissionsStep) setRows(rows []scopeRow) {
	s.rows, s.cursor, s.offset = rows, 0, 0
	s.moveBy(0, 1)
}

// moveBy moves the cursor n rows, then on in direction dir to the nearest
// selectable row.
func (s *permissionsStep) moveBy(n, dir int) {
	if len(s.rows) == 0 {
		return
	}
	i := max(0, min(s.cursor+n, len(s.rows)-1))
	for i >= 0 && i < len(s.rows) && !s.rows[i].selectable() {
		i += dir
	}
	if i >= 0 && i < len(s.rows) {
		s.cursor = i
	}
}

func (s *permissionsStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey {
		page := max(w.room-pickerChrome, 3)
		switch {
		case k.String() == "up":
			s.moveBy(-1, -1)
			return nil, true
		case k.String() == "down":
			s.moveBy(1, 1)
			return nil, true
		case k.String() == "pgup":
			s.moveBy(-page, -1)
			return nil, true
		case k.String() == "pgdown":
			s.moveBy(page, 1)
			return nil, true
		case key.Matches(k, scopeToggle):
			s.toggle(w)
			return nil, true
		case key.Matches(k, scopeClear) && s.filter.Value() != "":
			s.filter.SetValue("")
			s.setRows(scopeRows())
			return nil, true
		}
	}
	before := s.filter.Value()
	cmd, handled := updateInput(&s.filter, msg)
	if s.filter.Value() != before {
		s.setRows(filterRows(scopeRows(), s.filter.Value()))
	}
	return cmd, handled
}

// toggle ticks the scope under the cursor, or applies the preset.
func (s *permissionsStep) toggle(w *wizard) {
	if s.cursor >= len(s.rows) || !s.rows[s.cursor].selectable() {
		return
	}
	r := s.rows[s.cursor]
	if r.preset != nil {
		w.draft.setConsoleScopes(r.preset.Scopes)
		return
	}
	w.draft.toggleScope(r.scope.Name)
}

func (s *permissionsStep) validate(w *wizard) verdict {
	picked := w.draft.consoleScopes()
	if len(picked) == 0 {
		return verdict{err: "Tick at least one Confluence scope (space), or apply a preset."}
	}
	r := validate.Scopes(strings.Join(picked, " "), atlassian.KnownScope)
	if r.Err != nil {
		return verdict{err: r.Err.Message}
	}
	return verdict{}
}

func (s *permissionsStep) keys(*wizard) []key.Binding {
	keys := []key.Binding{scopeMove, scopeToggle}
	if s.filter.Value() != "" {
		keys = append(keys, scopeClear)
	}
	return keys
}

func (s *permissionsStep) view(w *wizard) string {
	st := w.styles
	width := w.mainWidth()
	ticks := s.tickList(w, width)
	page := max(w.room-lineCount(ticks)-2, 3) // the filter and a blank line
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+page {
		s.offset = s.cursor - page + 1
	}
	var b strings.Builder
	s.filter.SetWidth(max(width-len(s.filter.Prompt)-1, 10))
	b.WriteString(s.filter.View() + "\n")
	if len(s.rows) == 0 {
		b.WriteString(st.Subtle.Render("  Nothing matches; esc clears the filter.") + "\n")
	}
	for i := s.offset; i < min(len(s.rows), s.offset+page); i++ {
		b.WriteString(s.rowView(w, i, width) + "\n")
	}
	return b.String() + "\n" + ticks
}

func (s *permissionsStep) rowView(w *wizard, i, width int) string {
	st := w.styles
	r := s.rows[i]
	if !r.selectable() {
		return st.Label.Render(r.heading)
	}
	var line string
	if r.preset != nil {
		mark := " "
		if sameSet(w.draft.consoleScopes(), withoutOffline(r.preset.Scopes)) {
			mark = "•"
		}
		line = fmt.Sprintf("(%s) %s — %s", mark, r.preset.Name, r.preset.Description)
	} else {
		mark := " "
		if slices.Contains(w.draft.Profile.Scopes, r.scope.Name) {
			mark = "x"
		}
		line = fmt.Sprintf("[%s] %s  %s", mark, r.scope.Name, st.Subtle.Render(r.scope.Description))
	}
	line = ansi.Truncate(line, width-2, "…")
	if i == s.cursor {
		return st.Selected.Render("›") + " " + line
	}
	return "  " + line
}

// tickList is what the admin ticks in the console, grouped by where.
func (s *permissionsStep) tickList(w *wizard, width int) string {
	picked := w.draft.consoleScopes()
	if len(picked) == 0 {
		return w.styles.Subtle.Render("Nothing chosen yet.")
	}
	var tabs []string
	byTab := map[string][]string{}
	for _, sc := range picked {
		tab := consoleTab(sc)
		if _, seen := byTab[tab]; !seen {
			tabs = append(tabs, tab)
		}
		byTab[tab] = append(byTab[tab], sc)
	}
	out := w.styles.Label.Render(fmt.Sprintf("Tick %s in the console:", countNoun(len(picked), "this scope", "these %d scopes")))
	for _, tab := range tabs {
		out += "\n" + wrap(tab+": "+strings.Join(byTab[tab], ", "), width)
	}
	return out
}

func withoutOffline(scopes []string) []string {
	return slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s == atlassian.OfflineAccess })
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// countNoun picks the singular phrase or the plural one (with %d).
func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}
