package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/validate"
)

// step is one screen of the wizard, mirroring one step of the guide. The
// wizard owns navigation; a step only knows its own fields.
type step interface {
	// title is the guide step's name, shown in the step list and header.
	title() string
	// guide tells the admin what to do, with exactly what to click.
	guide(w *wizard) string
	// enter runs when the step becomes current: bind inputs to the draft.
	enter(w *wizard) tea.Cmd
	// update handles a message; handled=false lets the wizard use a key
	// for navigation.
	update(w *wizard, msg tea.Msg) (cmd tea.Cmd, handled bool)
	// view renders the step's fields; the wizard adds the frame.
	view(w *wizard) string
	// keys are the step's own keys that work right now, for the help line.
	keys(w *wizard) []key.Binding
	// validate checks the step's part of the draft: an error blocks
	// going forward, warnings do not. It reads the draft only (never the
	// step's fields), since saving checks steps never entered.
	validate(w *wizard) verdict
}

// typingStep is a step that may have a text field focused; printable keys
// then belong to the field, not to shortcuts like ?.
type typingStep interface {
	typing() bool
}

// restylingStep is a step holding components (text fields) that keep their
// own styles; it hears when the background colour changes them.
type restylingStep interface {
	restyle(s Styles)
}

// modalStep is a step that can be in a sub-mode (editing a value, pasting
// a URL, confirming a deletion) that owns enter and esc for itself.
type modalStep interface {
	modal() bool
}

// leavingStep is a step with something to stop when the admin moves away.
type leavingStep interface {
	leave(w *wizard)
}

// advancingStep is a step with something to do once the admin goes on
// from it to the step at index next.
type advancingStep interface {
	advance(w *wizard, next int) tea.Cmd
}

// verdict is a step's validation result.
type verdict struct {
	err      string
	warnings []string
	// apply stores the cleaned values in the draft once the step passes.
	apply func(d *draft)
}

// then combines two verdicts: the first error wins, warnings add up, and
// both applies run.
func (v verdict) then(o verdict) verdict {
	out := verdict{err: v.err, warnings: append(append([]string{}, v.warnings...), o.warnings...)}
	if out.err == "" {
		out.err = o.err
	}
	a, b := v.apply, o.apply
	out.apply = func(d *draft) {
		if a != nil {
			a(d)
		}
		if b != nil {
			b(d)
		}
	}
	return out
}

// fieldVerdict turns a validator's result into a verdict that stores the
// cleaned value with set.
func fieldVerdict(r validate.Result, set func(d *draft, value string)) verdict {
	v := verdict{warnings: warningTexts(r.Warnings)}
	if r.Err != nil {
		v.err = r.Err.Message
	}
	v.apply = func(d *draft) { set(d, r.Value) }
	return v
}

func warningTexts(ws []validate.Warning) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.Message)
	}
	return out
}

// newSteps is the wizard's table of screens, in the guide's order.
func newSteps() []step {
	return []step{
		&startStep{},
		&nameStep{},
		consoleDeveloper(),
		consoleCreate(),
		newAppNameStep(),
		consoleEnable3LO(),
		&redirectStep{},
		&permissionsStep{},
		&credentialsStep{},
		&endpointsStep{},
		&scopesStep{},
		&saveStep{},
	}
}
