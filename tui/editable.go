package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// editableValue shows a value the admin mostly copies as is, with e to
// change it. While shown (not edited), single letters stay free for
// shortcuts like c to copy.
type editableValue struct {
	input   textinput.Model
	editing bool
	before  string // the value when editing began, for esc
}

var (
	editKey     = binding("e", "edit")
	editDoneKey = binding("enter", "done")
	editUndoKey = binding("esc", "undo changes")
)

// start shows value; editing begins only on e.
func (e *editableValue) start(s *Styles, value string) {
	e.input = newInput(s, "")
	e.input.SetValue(value)
	e.editing = false
}

// update handles e, and every key while editing (the field drawn on a
// line width wide); set binds the typed text to the draft.
func (e *editableValue) update(msg tea.Msg, width int, set func(string)) (tea.Cmd, bool) {
	if !e.editing {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, editKey) {
			e.editing = true
			e.before = e.input.Value()
			e.input.CursorEnd()
			return e.input.Focus(), true
		}
		return nil, false
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, editDoneKey):
			e.stop()
			return nil, true
		case key.Matches(k, editUndoKey):
			e.input.SetValue(e.before)
			set(e.before)
			e.stop()
			return nil, true
		}
	}
	cmd, handled := updateInput(&e.input, msg, width, fieldIndent)
	set(e.input.Value())
	return cmd, handled || e.editing
}

func (e *editableValue) stop() {
	e.editing = false
	e.input.Blur()
}

func (e *editableValue) view(s *Styles, value string, width int) string {
	if e.editing {
		return strings.Repeat(" ", fieldIndent) + inputView(e.input, width, fieldIndent)
	}
	return copyable(s.Value, value, width)
}

// copyables is the value while it is shown to copy.
func (e *editableValue) copyables(value string) []string {
	if e.editing {
		return nil
	}
	return []string{value}
}

func (e *editableValue) keys() []key.Binding {
	if e.editing {
		return []key.Binding{editDoneKey, editUndoKey}
	}
	return []key.Binding{editKey}
}
