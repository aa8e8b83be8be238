package tui

import (
	"strings"

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
	note func(w *wizard) string
}

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

func (g *fieldGroup) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		last := g.focus == len(g.fields)-1
		switch k.String() {
		case "up", "shift+tab":
			if g.focus > 0 {
				return g.focusOn(g.focus - 1), true
			}
			return nil, k.String() == "up"
		case "down", "enter", "tab":
			if last {
				return nil, k.String() == "down"
			}
			if k.String() != "down" && g.current().check(w.draft).err != "" {
				return nil, false // the wizard refuses and shows why
			}
			w.showErrors = false // the next field has not been touched yet
			return g.focusOn(g.focus + 1), true
		}
	}
	f := g.current()
	cmd, handled := updateInput(&f.input, msg)
	f.bind(w.draft, f.input.Value())
	return cmd, handled
}

func (g *fieldGroup) restyle(s Styles) {
	for _, f := range g.fields {
		f.input.SetStyles(s.Input)
	}
}

func (g *fieldGroup) view(w *wizard) string {
	parts := make([]string, 0, len(g.fields))
	for _, f := range g.fields {
		part := labelled(w.styles, f.label, f.input, w.mainWidth())
		if f.note != nil {
			if note := f.note(w); note != "" {
				part += "\n  " + w.styles.Subtle.Render(note)
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "\n\n")
}
