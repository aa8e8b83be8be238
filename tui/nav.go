package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// next moves on when the current step validates; otherwise it shows why not.
func (w *wizard) next() tea.Cmd {
	if !w.pass() || w.cur == len(w.steps)-1 {
		return nil
	}
	var done tea.Cmd
	if a, ok := w.step().(advancingStep); ok {
		done = a.advance(w, w.cur+1)
	}
	return tea.Batch(done, w.goTo(w.cur+1))
}

// pass validates the current step and, when it passes, stores its cleaned
// values in the draft.
func (w *wizard) pass() bool {
	v := w.step().validate(w)
	if v.err != "" {
		w.showErrors = true
		return false
	}
	if v.apply != nil {
		v.apply(w.draft)
	}
	return true
}

// back always works, whatever the current step holds: a half-typed or
// invalid field must never trap the admin.
func (w *wizard) back() tea.Cmd {
	if w.cur == 0 {
		return nil
	}
	return w.goTo(w.cur - 1)
}

// goTo leaves the current step and enters step index i.
func (w *wizard) goTo(i int) tea.Cmd {
	if l, ok := w.step().(leavingStep); ok {
		l.leave(w)
	}
	w.cur = i
	w.reached = max(w.reached, i)
	w.showErrors = false
	w.notice = notice{}
	w.help.ShowAll = false
	return w.step().enter(w)
}

// jumpPicker is the list of completed steps shown by ctrl+g.
type jumpPicker struct{ cursor int }

// canJump: there is somewhere else to go among the completed steps. The
// start screen is not a target: it would leave the profile.
func (w *wizard) canJump() bool { return w.reached > 1 && w.cur > 0 }

func (w *wizard) openJump() { w.jump = &jumpPicker{cursor: w.cur} }

func (w *wizard) updateJump(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "up", "k":
		w.jump.cursor = max(1, w.jump.cursor-1)
	case "down", "j":
		w.jump.cursor = min(w.reached, w.jump.cursor+1)
	case "esc", "ctrl+g":
		w.jump = nil
	case "enter":
		target := w.jump.cursor
		w.jump = nil
		if target == w.cur {
			return nil
		}
		// Going forward skips this step's checks otherwise: it must pass
		// like next() would. Going back is always allowed.
		if target > w.cur && !w.pass() {
			return nil
		}
		return w.goTo(target)
	}
	return nil
}

// jumpKeys is the help while the picker is open.
func jumpKeys() []key.Binding {
	return []key.Binding{
		binding("↑/↓", "choose", "up", "down"),
		binding("enter", "go there"),
		binding("esc", "stay here"),
	}
}

// helpKeys are the keys live at this moment, for the help line.
func (w *wizard) helpKeys() keyMap {
	if w.quit != nil {
		return keyMap{step: quitKeys()}
	}
	if w.jump != nil {
		return keyMap{step: jumpKeys()}
	}
	nav := []key.Binding{}
	if m, ok := w.step().(modalStep); ok && m.modal() {
		return keyMap{step: w.step().keys(w), nav: []key.Binding{w.keys.Quit}}
	}
	if w.cur < len(w.steps)-1 && w.cur > 0 {
		nav = append(nav, w.keys.Next)
	}
	if w.cur > 0 {
		nav = append(nav, w.keys.Back)
	}
	helpKey := w.keys.Help
	if w.typing() {
		helpKey.SetHelp("f1", "more keys")
	}
	nav = append(nav, w.keys.Quit)
	if w.canJump() {
		nav = append(nav, w.keys.Jump)
	}
	return keyMap{step: w.step().keys(w), nav: nav, more: &helpKey}
}
