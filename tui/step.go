package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/validate"
)

// step is one screen of the wizard, mirroring one step of the guide, and
// the same step as line prompts for accessible mode. The wizard owns
// navigation; a step only knows its own fields, and reaches the rest
// through its stepContext.
type step interface {
	// guide tells the admin what to do, with exactly what to click.
	guide(c *stepContext) string
	// enter runs when the step becomes current: bind inputs to the draft.
	enter(c *stepContext) tea.Cmd
	// update handles a message; handled=false lets the wizard use a key
	// for navigation.
	update(c *stepContext, msg tea.Msg) (cmd tea.Cmd, handled bool)
	// view renders the step's fields; the wizard adds the frame.
	view(c *stepContext) string
	// keys are the step's own keys that work right now, for the help line.
	keys(c *stepContext) []key.Binding
	// validate checks the step's part of the draft: an error blocks
	// going forward, warnings do not. It reads the draft only (never the
	// step's fields), since saving checks steps never entered.
	validate(c *stepContext) verdict
	// lines asks for the step's values as line prompts (accessible mode),
	// until the step validates.
	lines(c *stepContext, p *prompter) error

	// The optional behaviours; stepBase does nothing for each.

	// typing: a text field has the keyboard, so printable keys belong to
	// it, not to shortcuts like ?.
	typing() bool
	// modal: the step is in a sub-mode (editing a value, pasting a URL,
	// confirming a deletion) that owns enter and esc for itself.
	modal() bool
	// restyle hands new styles to components that keep their own (text
	// fields), when the background colour changes them.
	restyle(s *Styles)
	// leave stops what the step runs when the admin moves away.
	leave(c *stepContext)
	// advance runs once the admin goes on from the step to the next.
	advance(c *stepContext) tea.Cmd
	// copyables are the values on screen the admin must copy exactly (a
	// URL, a name, a command), each shown with copyable: the layout makes
	// room for them to be selected whole.
	copyables(c *stepContext) []string
}

// stepBase is a step's no-op optional behaviours; a step embeds it and
// writes only those it has.
type stepBase struct{}

func (stepBase) typing() bool                    { return false }
func (stepBase) modal() bool                     { return false }
func (stepBase) restyle(*Styles)                 {}
func (stepBase) leave(*stepContext)              {}
func (stepBase) advance(*stepContext) tea.Cmd    { return nil }
func (stepBase) copyables(*stepContext) []string { return nil }

// verdict is a step's validation result.
type verdict struct {
	err string
	// onNext: err is shown only once the admin tried to go on (an
	// unticked box), not while they type in the step's fields.
	onNext   bool
	warnings []string
	// apply stores the cleaned values in the draft once the step passes.
	apply func(d *draft)
}

// then combines two verdicts: the first error wins, warnings add up, and
// both applies run.
func (v verdict) then(o verdict) verdict {
	out := verdict{err: v.err, onNext: v.onNext, warnings: append(append([]string{}, v.warnings...), o.warnings...)}
	if out.err == "" {
		out.err, out.onNext = o.err, o.onNext
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
