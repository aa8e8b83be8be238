package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/setup"
)

// permissionsStep is step 8: choose scopes from the catalog, then tick the
// same ones in the console. Typing filters the list.
type permissionsStep struct {
	stepBase
	filter textinput.Model
	rows   []scopeRow // the catalog rows matching the filter
	cursor int        // index into rows; always on a selectable row
	offset int
}

var (
	scopeMove   = binding("↑/↓", "move", "up", "down", "pgup", "pgdown")
	scopePgUp   = binding("pgup", "page up")
	scopePgDown = binding("pgdown", "page down")
	scopeToggle = binding("space", "tick / apply preset", "space")
	scopeClear  = binding("esc", "clear filter")
)

// pickerChrome is the lines around the list: filter, blank, tick list.
const pickerChrome = 5

func (s *permissionsStep) guide(c *stepContext) string {
	if c.draft.ExistingApp {
		return "The app has its scopes in the console already: pick the same ones here, or fewer. A scope " +
			"the app lacks makes the consent fail: whoever manages the app adds it under Permissions. " +
			"offline_access is never ticked in the console: step " + strconv.Itoa(stepScopes.number()) + " adds it to the request."
	}
	return "In the console open Permissions, click Add next to Confluence API, then Configure. " +
		"Pick scopes here, then tick the same ones there (Edit scopes) and save. " +
		"offline_access is never ticked in the console: step " + strconv.Itoa(stepScopes.number()) + " adds it to the request." +
		c.target.note(" Rehearsal: the rehearsal app has every scope already; just pick them here.")
}

func (s *permissionsStep) enter(c *stepContext) tea.Cmd {
	s.filter = newInput(c.styles, "type to filter")
	s.filter.Prompt = "Filter: "
	s.setRows(scopeRows())
	return s.filter.Focus()
}

func (s *permissionsStep) restyle(st *Styles) { s.filter.SetStyles(st.Input) }

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

func (s *permissionsStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	cmd, handled := s.handle(c, msg)
	s.follow(c)
	return cmd, handled
}

// follow moves the window of rows so the cursor stays in it.
func (s *permissionsStep) follow(c *stepContext) {
	page := s.page(c)
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+page {
		s.offset = s.cursor - page + 1
	}
}

// page is how many rows fit beside the filter, the focused row's
// description and the tick list.
func (s *permissionsStep) page(c *stepContext) int {
	return s.pageBeside(c, s.tickList(c), s.detail(c))
}

// pageBeside is page with the tick list and the description already drawn.
func (s *permissionsStep) pageBeside(c *stepContext, ticks, detail string) int {
	return max(c.room()-lineCount(ticks)-lineCount(detail)-3, 3) // the filter and two blank lines
}

// detail is the focused row's description in full: the list cuts each
// row to one line.
func (s *permissionsStep) detail(c *stepContext) string {
	if s.cursor >= len(s.rows) || !s.rows[s.cursor].selectable() {
		return ""
	}
	r := s.rows[s.cursor]
	if r.preset != nil {
		return c.styles.Subtle.Render(wrap(presetInFull(*r.preset), c.width))
	}
	return c.styles.Subtle.Render(wrap(r.scope.Name+": "+r.scope.Description, c.width))
}

func (s *permissionsStep) handle(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		page := max(c.room()-pickerChrome, 3)
		switch {
		case key.Matches(k, upKey):
			s.moveBy(-1, -1)
			return nil, true
		case key.Matches(k, downKey):
			s.moveBy(1, 1)
			return nil, true
		case key.Matches(k, scopePgUp):
			s.moveBy(-page, -1)
			return nil, true
		case key.Matches(k, scopePgDown):
			s.moveBy(page, 1)
			return nil, true
		case key.Matches(k, scopeToggle):
			return s.toggle(c), true
		case key.Matches(k, scopeClear) && s.filter.Value() != "":
			s.filter.SetValue("")
			s.setRows(scopeRows())
			return nil, true
		}
	}
	before := s.filter.Value()
	cmd, handled := updateInput(&s.filter, msg, c.width, 0)
	if s.filter.Value() != before {
		s.setRows(filterRows(scopeRows(), s.filter.Value()))
	}
	return cmd, handled
}

// toggle ticks the scope under the cursor, or applies the preset and says
// which hand-ticked scopes it kept.
func (s *permissionsStep) toggle(c *stepContext) tea.Cmd {
	if s.cursor >= len(s.rows) || !s.rows[s.cursor].selectable() {
		return nil
	}
	r := s.rows[s.cursor]
	if r.preset == nil {
		c.draft.toggleScope(r.scope.Name)
		return nil
	}
	kept := c.draft.applyPreset(r.preset.Scopes)
	if len(kept) == 0 {
		return nil
	}
	text := fmt.Sprintf("Applied %s and kept %s you ticked by hand: %s. Untick %s to drop %s.",
		r.preset.Name, countNoun(len(kept), "the scope", "the %d scopes"), strings.Join(kept, ", "),
		countNoun(len(kept), "it", "them"), countNoun(len(kept), "it", "them"))
	return func() tea.Msg { return noticeMsg{stepPermissions, notice{text: text}} }
}

func (s *permissionsStep) validate(c *stepContext) verdict {
	picked := c.draft.consoleScopes()
	if len(picked) == 0 {
		return verdict{err: c.either("Tick at least one Confluence scope (space), or apply a preset.",
			"Choose a preset by its number, or type at least one Confluence scope.")}
	}
	if r := setup.Scopes(picked); r.Err != nil {
		return verdict{err: r.Err.Message}
	}
	return verdict{}
}

func (s *permissionsStep) keys(*stepContext) []key.Binding {
	keys := []key.Binding{scopeMove, scopeToggle}
	if s.filter.Value() != "" {
		keys = append(keys, scopeClear)
	}
	return keys
}

// view shows the filter, the rows that fit and what to tick.
func (s *permissionsStep) view(c *stepContext) string {
	st := c.styles
	ticks, detail := s.tickList(c), s.detail(c)
	page := s.pageBeside(c, ticks, detail)
	// A resize since the last key may leave the cursor below the window.
	offset := max(s.offset, s.cursor-page+1)
	var b strings.Builder
	b.WriteString(inputView(s.filter, c.width, 0) + "\n")
	if len(s.rows) == 0 {
		b.WriteString(st.Subtle.Render("  Nothing matches; esc clears the filter.") + "\n")
	}
	for i := offset; i < min(len(s.rows), offset+page); i++ {
		b.WriteString(s.rowView(c, i) + "\n")
	}
	if detail != "" {
		b.WriteString("\n" + detail + "\n")
	}
	return b.String() + "\n" + ticks
}

func (s *permissionsStep) rowView(c *stepContext, i int) string {
	st := c.styles
	r := s.rows[i]
	if !r.selectable() {
		return st.Label.Render(r.heading)
	}
	var line string
	if r.preset != nil {
		mark := " "
		if sameSet(c.draft.consoleScopes(), setup.ConsoleScopes(r.preset.Scopes)) {
			mark = "•"
		}
		line = fmt.Sprintf("(%s) %s — %s", mark, r.preset.Name, r.preset.Description)
	} else {
		mark := " "
		if slices.Contains(c.draft.Profile.Scopes, r.scope.Name) {
			mark = "x"
		}
		line = fmt.Sprintf("[%s] %s  %s", mark, r.scope.Name, st.Subtle.Render(r.scope.Description))
	}
	line = ansi.Truncate(line, c.width-2, "…")
	if i == s.cursor {
		return st.Selected.Render("›") + " " + line
	}
	return "  " + line
}

// tickList is what the admin ticks in the console, grouped by where.
func (s *permissionsStep) tickList(c *stepContext) string {
	picked := c.draft.consoleScopes()
	if len(picked) == 0 {
		return c.styles.Subtle.Render("Nothing chosen yet.")
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
	out := c.styles.Label.Render(fmt.Sprintf("Tick %s in the console:", countNoun(len(picked), "this scope", "these %d scopes")))
	for _, tab := range tabs {
		out += "\n" + wrap(tab+": "+strings.Join(byTab[tab], ", "), c.width)
	}
	return out
}

// presetInFull is a preset's name, description and any warning of where
// it does not serve.
func presetInFull(p atlassian.Preset) string {
	s := p.Name + ": " + p.Description
	if p.Note != "" {
		s = strings.TrimSuffix(s, ".") + ". " + strings.TrimSuffix(p.Note, ".") + "."
	}
	return s
}

// lines offers the presets by number, or scopes typed out.
func (s *permissionsStep) lines(c *stepContext, p *prompter) error {
	presets := atlassian.Presets()
	for i, preset := range presets {
		p.say("  %d. %s", i+1, presetInFull(preset))
	}
	for {
		answer, err := p.ask("A preset's number, or scopes separated by spaces", "1")
		if err != nil {
			return err
		}
		scopes := strings.Fields(answer)
		if n, convErr := strconv.Atoi(answer); convErr == nil && n >= 1 && n <= len(presets) {
			scopes = presets[n-1].Scopes
		}
		c.draft.setConsoleScopes(scopes)
		if p.check(c, s) {
			p.say("Tick these in the console: %s", strings.Join(c.draft.consoleScopes(), ", "))
			return nil
		}
	}
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// countNoun picks the singular phrase or the plural one (with %d).
func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}
