package tui

import "charm.land/bubbles/v2/key"

// navKeys are the wizard-wide keys; steps add their own.
type navKeys struct {
	Next key.Binding
	Back key.Binding
	Jump key.Binding
	Help key.Binding
	// HelpWhileTyping is the help key that still works in a text field,
	// where ? is typed.
	HelpWhileTyping key.Binding
	Quit            key.Binding
	// ResumeOffered resumes the saved draft `authwiz new` found.
	ResumeOffered key.Binding
}

func newNavKeys() navKeys {
	return navKeys{
		Next:            key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "next")),
		Back:            key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		Jump:            key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "go to step")),
		Help:            key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?", "more keys")),
		HelpWhileTyping: key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "more keys")),
		Quit:            key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		ResumeOffered:   key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "resume the draft")),
	}
}

// Keys shared by lists and fields across steps.
var (
	upKey   = binding("↑", "up", "up")
	downKey = binding("↓", "down", "down")
	// fieldNextKeys and fieldPrevKeys move between a step's text fields.
	fieldNextKeys = binding("enter", "next field", "down", "enter", "tab")
	fieldPrevKeys = binding("shift+tab", "previous field", "up", "shift+tab")
)

// keyMap is the help for one moment of the wizard: only keys that work now.
// more (the key for the full help) is kept apart: the short line always
// ends with it, however narrow the window.
type keyMap struct {
	step []key.Binding
	nav  []key.Binding
	more *key.Binding
}

// ShortHelp is the one-line help under every screen, without more.
func (k keyMap) ShortHelp() []key.Binding {
	return append(append([]key.Binding{}, k.step...), k.nav...)
}

// FullHelp is the help shown after ?: the step's keys, then navigation.
func (k keyMap) FullHelp() [][]key.Binding {
	nav := k.nav
	if k.more != nil {
		nav = append([]key.Binding{*k.more}, nav...)
	}
	return [][]key.Binding{k.step, nav}
}

// binding is a shorthand for a key with its help text.
func binding(help, desc string, keys ...string) key.Binding {
	if len(keys) == 0 {
		keys = []string{help}
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}
