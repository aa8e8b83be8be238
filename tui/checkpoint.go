package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// checkpoint is the box the admin ticks once a console step is done: the
// wizard cannot see the Developer Console, so it asks.
type checkpoint struct {
	step  stepID
	label string
}

var tickKey = binding("space", "tick when done", "space", "x")

// checkpointUnticked is why a console step does not let the admin on.
const checkpointUnticked = "Tick the box with space once this is done in the Developer Console."

func (cp checkpoint) done(c *stepContext) bool { return c.draft.Confirmed[cp.step] }

// update ticks or unticks the box.
func (cp checkpoint) update(c *stepContext, msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !key.Matches(k, tickKey) {
		return false
	}
	c.draft.Confirmed[cp.step] = !c.draft.Confirmed[cp.step]
	return true
}

func (cp checkpoint) view(c *stepContext) string {
	label := hang(cp.label, c.width, 4)
	if cp.done(c) {
		return c.styles.Success.Render("[✓] " + label)
	}
	return "[ ] " + label
}

func (cp checkpoint) validate(c *stepContext) verdict {
	if cp.done(c) {
		return verdict{}
	}
	return verdict{err: checkpointUnticked, onNext: true}
}

// lines asks the admin to confirm, as ticking the box does on screen.
func (cp checkpoint) lines(c *stepContext, p *prompter) error {
	if _, err := p.ask(cp.label+": press Enter once this is done", ""); err != nil {
		return err
	}
	c.draft.Confirmed[cp.step] = true
	return nil
}
