package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// formField is one text field of a multi-field step, bound to the draft.
type formField struct {
	label string
	input textinput.Model
	// bind stores what was typed in the draft; check validates it there.
	bind  func(d *draft, value string)
	check func(d *draft) verdict
	// note is shown under the field, e.g. that a saved secret is kept.
	note func(d *draft) string
}

var fieldKeys = binding("↑/↓", "switch field", "up", "down")

// fieldGroup moves between a step's fields the way forms do: enter, tab
// and ↓ go to the next field (once this one is valid), shift+tab and ↑ to
// the previous one. Past the last or before the first, the keys are left
// to the wizard, which changes step.
type fieldGroup struct {
	fields []*formField
	focus  int
}

func (g *fieldGroup) focusOn(i int) tea.Cmd {
	g.focus = i
	for _, f := range g.fields {
		f.input.Blur()
	}
	return g.fields[i].input.Focus()
}

func (g *fieldGroup) current() *formField { return g.fields[g.focus] }

func (g *fieldGroup) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		first, last := g.focus == 0, g.focus == len(g.fields)-1
		// ↑ and ↓ stop at the ends; enter and the tab keys go on to the
		// step before or after.
		arrow := key.Matches(k, upKey) || key.Matches(k, downKey)
		switch {
		case key.Matches(k, fieldPrevKeys):
			if first {
				return nil, arrow
			}
			return g.focusOn(g.focus - 1), true
		case key.Matches(k, fieldNextKeys):
			if last {
				return nil, arrow
			}
			if !arrow && g.current().check(c.draft).err != "" {
				return nil, false // the wizard refuses and shows why
			}
			c.fx.hideErrors() // the next field has not been touched yet
			return g.focusOn(g.focus + 1), true
		}
	}
	f := g.current()
	cmd, handled := updateInput(&f.input, msg, c.width, fieldIndent)
	f.bind(c.draft, f.input.Value())
	return cmd, handled
}

func (g *fieldGroup) restyle(s *Styles) {
	for _, f := range g.fields {
		f.input.SetStyles(s.Input)
	}
}

func (g *fieldGroup) view(c *stepContext) string {
	parts := make([]string, 0, len(g.fields))
	for _, f := range g.fields {
		part := labelled(c.styles, f.label, f.input, c.width)
		if f.note != nil {
			if note := f.note(c.draft); note != "" {
				part += "\n  " + c.styles.Subtle.Render(note)
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "\n\n")
}
