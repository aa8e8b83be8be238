package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// checkpoint is the box the admin ticks once a console step is done: the
// wizard cannot see the Developer Console, so it asks.
type checkpoint struct {
	step  int
	label string
}

var tickKey = binding("space", "tick when done", "space", "x")

func (c checkpoint) done(w *wizard) bool { return w.draft.Confirmed[c.step] }

// update ticks or unticks the box.
func (c checkpoint) update(w *wizard, msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !key.Matches(k, tickKey) {
		return false
	}
	w.draft.Confirmed[c.step] = !w.draft.Confirmed[c.step]
	return true
}

func (c checkpoint) view(w *wizard) string {
	label := hang(c.label, w.mainWidth(), 4)
	if c.done(w) {
		return w.styles.Success.Render("[✓] " + label)
	}
	return "[ ] " + label
}

func (c checkpoint) validate(w *wizard) verdict {
	if c.done(w) {
		return verdict{}
	}
	return verdict{err: "Tick the box with space once this is done in the Developer Console."}
}
