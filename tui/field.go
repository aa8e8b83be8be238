package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// newInput is a single-line text field in the wizard's style.
func newInput(s *Styles, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = hint(placeholder)
	in.SetStyles(s.Input)
	// Long enough for any real value; the validators reject absurd ones with
	// a message, instead of the field silently swallowing keys.
	in.CharLimit = 4096
	return in
}

// hint marks a placeholder as one: without colour (NO_COLOR, a plain
// terminal) it would read like a value already typed.
func hint(text string) string {
	if text == "" {
		return ""
	}
	return "‹" + text + "›"
}

// fieldIndent is how far a field sits under its label.
const fieldIndent = 2

// labelled renders a field under its label, the focused one marked.
func labelled(s *Styles, label string, in textinput.Model, width int) string {
	mark := "  "
	if in.Focused() {
		mark = s.Selected.Render("› ")
	}
	return mark + s.Label.Render(label) + "\n" + strings.Repeat(" ", fieldIndent) + inputView(in, width, fieldIndent)
}

// textWidth is how much of a field's text shows on a line width columns
// wide that starts indent columns in: the prompt comes before the text
// and the cursor after it.
func textWidth(in *textinput.Model, width, indent int) int {
	return max(width-indent-lipgloss.Width(in.Prompt)-1, 10)
}

// inputView draws a field indent columns into a line width wide. It
// draws a copy, so View changes nothing, scrolled again to the cursor in
// case the terminal was resized since the last key.
func inputView(in textinput.Model, width, indent int) string {
	in.SetWidth(textWidth(&in, width, indent))
	in.SetCursor(in.Position())
	return in.View()
}

// fieldNavKeys are the keys a text field never consumes, so the wizard
// can navigate and scroll.
var fieldNavKeys = key.NewBinding(key.WithKeys("enter", "tab", "shift+tab", "esc", "up", "down", "pgup", "pgdown"))

// updateInput feeds a message to a text field drawn indent columns into
// a line width wide, and reports whether it was one the field uses;
// navigation keys are left to the wizard.
func updateInput(in *textinput.Model, msg tea.Msg, width, indent int) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && isNavKey(k) {
		return nil, false
	}
	// The field scrolls sideways to keep the cursor in view only when it
	// knows the width it is drawn at, as the keys move the cursor.
	in.SetWidth(textWidth(in, width, indent))
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd, true
}

func isNavKey(k tea.KeyPressMsg) bool { return key.Matches(k, fieldNavKeys) }

// fieldCursorKeys move a field's cursor without changing its value: the
// way to read a value wider than its field.
var fieldCursorKeys = func() key.Binding {
	km := textinput.DefaultKeyMap()
	var keys []string
	for _, b := range []key.Binding{km.CharacterForward, km.CharacterBackward, km.WordForward, km.WordBackward,
		km.LineStart, km.LineEnd} {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...))
}()

func isCursorKey(k tea.KeyPressMsg) bool { return key.Matches(k, fieldCursorKeys) }

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
