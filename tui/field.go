package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// newInput is a single-line text field in the wizard's style.
func newInput(s Styles, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.SetStyles(s.Input)
	// Long enough for any real value; the validators reject absurd ones with
	// a message, instead of the field silently swallowing keys.
	in.CharLimit = 4096
	return in
}

// labelled renders a field under its label, the focused one marked.
func labelled(s Styles, label string, in textinput.Model, width int) string {
	in.SetWidth(max(width-3, 10))
	mark := "  "
	if in.Focused() {
		mark = s.Selected.Render("› ")
	}
	return mark + s.Label.Render(label) + "\n  " + in.View()
}

// fieldNavKeys are the keys a text field never consumes, so the wizard
// can navigate.
var fieldNavKeys = key.NewBinding(key.WithKeys("enter", "tab", "shift+tab", "esc", "up", "down"))

// updateInput feeds a message to a text field and reports whether it was
// one the field uses; navigation keys are left to the wizard.
func updateInput(in *textinput.Model, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && isNavKey(k) {
		return nil, false
	}
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd, true
}

func isNavKey(k tea.KeyPressMsg) bool { return key.Matches(k, fieldNavKeys) }

// masked shows that a secret is set without revealing it: bullets and its
// last four characters, enough to tell two secrets apart.
func masked(secret string) string {
	if secret == "" {
		return "not set"
	}
	r := []rune(secret)
	if len(r) <= 8 {
		return "set (" + strings.Repeat("•", 4) + ")"
	}
	return "set (•••• " + string(r[len(r)-4:]) + ")"
}
