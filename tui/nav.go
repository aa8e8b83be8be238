package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// next moves on when the current step validates; otherwise it shows why not.
func (w *wizard) next() tea.Cmd {
	if !w.pass() || w.cur == stepSave {
		return nil
	}
	done := w.step().advance(w.ctx())
	return tea.Batch(done, w.goTo(w.neighbour(w.cur, 1)))
}

// neighbour is the step dir (+1 or -1) from id that the draft uses: the
// console steps are passed over for an app that exists already.
func (w *wizard) neighbour(id stepID, dir int) stepID {
	to := id + stepID(dir)
	for to > firstProfileStep && to < stepSave && w.draft.skips(to) {
		to += stepID(dir)
	}
	return to
}

// pass validates the current step and, when it passes, stores its cleaned
// values in the draft.
func (w *wizard) pass() bool {
	v := w.step().validate(w.ctx())
	if v.err != "" {
		w.showErrors, w.triedNext = true, true
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
	if w.cur == stepStart {
		return nil
	}
	return w.goTo(w.neighbour(w.cur, -1))
}

// goTo leaves the current step and enters step to.
func (w *wizard) goTo(to stepID) tea.Cmd {
	w.step().leave(w.ctx())
	w.cur = to
	w.reached = max(w.reached, to)
	w.showErrors, w.triedNext = false, false
	w.notice = notice{}
	w.offered = nil
	w.scroll = 0
	w.help.ShowAll = false
	return w.step().enter(w.ctx())
}

// jumpPicker is the list of completed steps shown by ctrl+g.
type jumpPicker struct{ cursor stepID }

var (
	jumpUp    = binding("↑", "up", "up", "k")
	jumpDown  = binding("↓", "down", "down", "j")
	jumpGo    = binding("enter", "go there")
	jumpClose = binding("esc", "stay here", "esc", "ctrl+g")
)

// canJump: there is somewhere else to go among the completed steps. The
// start screen is not a target: it would leave the profile.
func (w *wizard) canJump() bool { return w.reached > firstProfileStep && w.cur > stepStart }

func (w *wizard) openJump() { w.jump = &jumpPicker{cursor: w.cur} }

func (w *wizard) updateJump(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, jumpUp):
		w.jump.cursor = max(firstProfileStep, w.neighbour(w.jump.cursor, -1))
	case key.Matches(msg, jumpDown):
		w.jump.cursor = min(w.reached, w.neighbour(w.jump.cursor, 1))
	case key.Matches(msg, jumpClose):
		w.jump = nil
	case key.Matches(msg, jumpGo):
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
	return []key.Binding{binding("↑/↓", "choose", "up", "down"), jumpGo, jumpClose}
}

// helpKeys are the keys live at this moment, for the help line.
func (w *wizard) helpKeys(c *stepContext) keyMap {
	if w.quit != nil {
		return keyMap{step: w.quitKeys()}
	}
	if w.jump != nil {
		return keyMap{step: jumpKeys()}
	}
	s := w.step()
	if s.modal() {
		return keyMap{step: s.keys(c), nav: []key.Binding{w.keys.Quit}}
	}
	var nav []key.Binding
	if w.cur < stepSave && w.cur > stepStart {
		nav = append(nav, w.keys.Next)
	}
	if w.cur > stepStart {
		nav = append(nav, w.keys.Back)
	}
	helpKey := w.keys.Help
	if s.typing() {
		helpKey = w.keys.HelpWhileTyping
	}
	nav = append(nav, w.keys.Quit)
	if w.canJump() {
		nav = append(nav, w.keys.Jump)
	}
	if w.offered != nil {
		nav = append([]key.Binding{w.keys.ResumeOffered}, nav...)
	}
	steps := s.keys(c)
	return keyMap{step: steps, nav: unshadowed(nav, steps), more: &helpKey}
}

// unshadowed is nav without the keys a step binds itself: the step sees a
// key first, so while the consent waits esc cancels it rather than going
// back, and help must not offer both.
func unshadowed(nav, steps []key.Binding) []key.Binding {
	return slices.DeleteFunc(nav, func(n key.Binding) bool {
		return slices.ContainsFunc(steps, func(s key.Binding) bool { return s.Help().Key == n.Help().Key })
	})
}
