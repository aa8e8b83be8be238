package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// stepContext is all a step sees of the wizard: the draft it edits, how to
// draw, the outside world, which server the profile is for, and the
// effects it may ask the wizard for. The wizard makes a fresh one for every
// call, so a step never holds on to the root model.
type stepContext struct {
	draft  *draft
	styles *Styles
	// width is the width the step may draw in.
	width int
	// roomFor measures how many lines the step's view may use, so lists
	// show only what fits; room() asks it once.
	roomFor func(c *stepContext) int
	rooms   int
	deps    *deps
	target  target
	// saved is what the start screen read: the saved profiles and a draft
	// to resume. Steps only read it; the start step changes it through fx.
	saved *startData
	// lineMode: the step is asked as line prompts (accessible mode), where
	// there are no keys to press.
	lineMode bool
	fx       effects
}

// effects are what a step may ask of the wizard beyond its own fields.
type effects interface {
	// copy puts a checked value on the clipboard and says so, or says why
	// not; open opens url in the browser. Both report on the step that
	// asked.
	copy(what string, value validate.Result) tea.Cmd
	open(url string) tea.Cmd
	// begin makes d the draft and enters step at: a new, edited or resumed
	// profile.
	begin(d *draft, at stepID, how beginning) tea.Cmd
	// saved makes the wizard go on as an edit of the profile just saved.
	saved(p profile.Profile) tea.Cmd
	// finish ends the program, leaving outcome on the terminal.
	finish(outcome string) tea.Cmd
	requestQuit() tea.Cmd
	// rehearse ends the program so the command line starts `authwiz demo`.
	rehearse() tea.Cmd
	// hideErrors: the field now in focus has not been touched yet.
	hideErrors()
	// clearNotice drops the last copy or open message, now old news.
	clearNotice()
	// forgetProfile and forgetDraft take a deleted profile or a discarded
	// draft off the start screen's list.
	forgetProfile(name string)
	forgetDraft()
}

// beginning says how a draft is begun.
type beginning struct {
	// resumed: a saved draft, deleted once the profile is saved.
	resumed bool
	// baseline is what quitting compares d with, when not d as it is now:
	// the saved profile a resumed edit started from, or an untouched new
	// profile for a resumed new one.
	baseline *draft
	// consent: start the consent at once (authenticate again).
	consent bool
}

// room is how many lines the step's view may use. Measuring it lays out
// the frame, so it is done only for steps that ask, once per context.
func (c *stepContext) room() int {
	if c.roomFor != nil {
		c.rooms, c.roomFor = c.roomFor(c), nil
	}
	return c.rooms
}

// canConsent: a consent runner is wired, so step 12 can authenticate.
func (c *stepContext) canConsent() bool { return c.deps.consent != nil }

// onScreen is text that names keys: said on screen, left out of line
// prompts, where those keys do not exist.
func (c *stepContext) onScreen(text string) string { return c.either(text, "") }

// command is the command line that does verb to the profile being set up.
func (c *stepContext) command(verb string) string {
	return c.target.command(verb, c.draft.Profile.Name)
}

// either is screen on screen and lines as line prompts: for text that
// says what to press.
func (c *stepContext) either(screen, lines string) string {
	if c.lineMode {
		return lines
	}
	return screen
}
