package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// wizard is the root model: it owns the draft, the step table and
// navigation, frames whatever the current step renders, and carries out
// the effects steps ask for.
type wizard struct {
	deps  deps
	steps []step
	// cur is the current step; reached is the furthest the admin got to
	// with every step before it valid.
	cur, reached stepID

	draft *draft
	// baseline is the profile as last saved or loaded, to tell whether
	// quitting would lose anything.
	baseline draft

	styles        Styles
	width, height int
	help          help.Model
	keys          navKeys

	// showErrors turns on the current step's error once the admin tried to
	// go on or changed a field, not while they have not typed yet.
	showErrors bool
	// offered is the saved draft a run started by `authwiz new` may
	// resume instead (the start screen, which offers it otherwise, was
	// skipped); nil once the admin leaves step 2.
	offered *profile.Draft
	// triedNext: the admin tried to leave the current step and it did not
	// pass; errors about what they have not done yet show from then on.
	triedNext bool
	notice    notice
	// scroll is how many lines of a body taller than the window are
	// scrolled out of view at the top.
	scroll int
	quit   *quitDialog
	jump   *jumpPicker

	start startData
	// resumedDraft: this run resumed the saved draft, which goes once the
	// profile is saved.
	resumedDraft bool
	// outcome is printed after the program ends, so the way forward stays
	// on screen when the alternate screen goes away.
	outcome string
	// wantsRehearsal: the admin chose to rehearse first; the command line
	// then starts `authwiz demo`.
	wantsRehearsal bool
	// lineMode: the steps are asked as line prompts (accessible mode).
	lineMode bool
}

// notice is a one-off message about something that just happened, such as
// a copy; it disappears when the step changes.
type notice struct {
	text string
	bad  bool
	// untilEdit: it speaks of a field's value as a paste left it, so it
	// goes once the admin changes a field, before it misleads.
	untilEdit bool
}

// startData is what the start screen shows, read once, in the background
// right after the first frame: with hundreds of profiles the screen still
// comes up at once.
type startData struct {
	loaded    bool
	profiles  []profile.Profile
	resumable *profile.Draft
	// shared are the profiles whose grant lives in a shared store, by
	// name; sharedErr says why that could not be told.
	shared    map[string]launch.SharedGrant
	sharedErr error
	// problems are what went wrong reading them, each with its fix.
	problems []string
}

// newWizard builds a wizard on the start screen, or on the profile's first
// step with d (a new profile or one opened for editing).
func newWizard(dp deps, d *draft) *wizard {
	w := &wizard{
		deps:   dp,
		steps:  newSteps(),
		styles: newStyles(true),
		help:   help.New(),
		keys:   newNavKeys(),
		width:  80,
		height: 24,
	}
	w.help.Styles = w.styles.Help
	if d == nil {
		w.draft = newDraft(nil, dp.target.endpoints)
		w.baseline = *w.draft
		return w
	}
	w.openDraft(d, firstProfileStep)
	return w
}

// openDraft makes d the draft and moves to step at, the way a new, edited
// or resumed profile starts.
func (w *wizard) openDraft(d *draft, at stepID) {
	w.draft = d
	w.baseline = *d
	w.baseline.Profile.Scopes = append([]string(nil), d.Profile.Scopes...)
	w.cur, w.reached = at, at
	if d.EditOf != "" {
		w.reached = stepSave
	}
}

// Init asks for the background colour (for the styles) and enters the
// first screen; nothing here waits on the terminal or the disk.
func (w *wizard) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, w.loadStart(), w.step().enter(w.ctx()))
}

func (w *wizard) step() step { return w.steps[w.cur] }

// ctx is what the current step may see and do.
func (w *wizard) ctx() *stepContext {
	c := w.frameCtx()
	c.roomFor = w.bodyRoom
	return c
}

// frameCtx is ctx without room, which the frame around the step decides.
func (w *wizard) frameCtx() *stepContext { return w.ctxWidth(w.mainWidth()) }

// ctxWidth is frameCtx for a step drawn width columns wide.
func (w *wizard) ctxWidth(width int) *stepContext {
	return &stepContext{
		draft: w.draft, styles: &w.styles, width: width,
		deps: &w.deps, target: w.deps.target, saved: &w.start, lineMode: w.lineMode, fx: w,
	}
}

// Update routes a message: wizard-wide keys and results first, then the
// current step, then navigation for keys the step left alone.
func (w *wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.width, w.height = msg.Width, msg.Height
		w.followCursor() // a smaller window must not hide the field being typed in
		return w, nil
	case tea.BackgroundColorMsg:
		w.styles = newStyles(msg.IsDark())
		w.help.Styles = w.styles.Help
		for _, s := range w.steps {
			s.restyle(&w.styles)
		}
		return w, nil
	case noticeMsg:
		if msg.step == w.cur {
			w.notice = msg.notice
		}
		return w, nil
	case draftSavedMsg:
		return w, w.draftSaved(msg)
	case startData:
		return w, w.started(msg)
	case profileOpenedMsg:
		// The start screen opens what it asked for, and so does step 2 for
		// the draft of an edit it offered (`authwiz new`).
		start := w.steps[stepStart].(*startStep)
		cmd := start.opened(w.ctx(), msg)
		if start.err != "" && w.cur != stepStart {
			w.notice, start.err = notice{bad: true, text: start.err}, ""
		}
		return w, cmd
	case consentMsg:
		// Consent messages go to step 12 even after the admin left it, so a
		// late start still has its listener closed.
		cmd, _ := w.steps[stepSave].update(w.ctx(), msg)
		return w, cmd
	case tea.KeyPressMsg:
		cmd := w.handleKey(msg)
		if !key.Matches(msg, scrollUpKey, scrollDownKey) {
			w.followCursor()
		}
		return w, cmd
	case tea.PasteMsg:
		// Pasted text may carry escape sequences and stray whitespace from
		// a web page or another terminal: clean it before any field sees it.
		// Terminals send a pasted line break as a carriage return, which the
		// cleaning would drop, gluing two lines into one word.
		msg.Content = validate.Clean(lineBreaks.Replace(msg.Content))
		cmd, _ := w.step().update(w.ctx(), msg)
		w.showErrors = true
		w.valueEdited()
		if lines := strings.Count(msg.Content, "\n") + 1; lines > 1 && w.step().typing() {
			// Every field holds one line: the field joined the lines with
			// spaces, which may not be what the admin meant to paste.
			w.notice = notice{bad: true, untilEdit: true, text: fmt.Sprintf("The paste had %d lines; this field "+
				"holds one, so they were joined with spaces. Check the value.", lines)}
		}
		return w, cmd
	}
	cmd, _ := w.step().update(w.ctx(), msg)
	return w, cmd
}

// lineBreaks turns every way a paste can end a line into "\n".
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

func (w *wizard) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case w.quit != nil:
		return w.updateQuit(msg)
	case key.Matches(msg, w.keys.Quit):
		return w.requestQuit()
	case w.jump != nil:
		return w.updateJump(msg)
	case key.Matches(msg, w.keys.Help) && (key.Matches(msg, w.keys.HelpWhileTyping) || !w.step().typing()):
		w.help.ShowAll = !w.help.ShowAll
		return nil
	case w.offered != nil && key.Matches(msg, w.keys.ResumeOffered):
		d := *w.offered
		w.offered = nil
		return w.guardRun(func() tea.Cmd { return resumeDraft(w.ctx(), d) })
	case key.Matches(msg, w.keys.Jump) && w.canJump():
		w.openJump()
		return nil
	}
	cmd, handled := w.step().update(w.ctx(), msg)
	if handled {
		if w.step().typing() && !isNavKey(msg) {
			w.showErrors = true // the admin changed a field: say what is wrong with it
			if !isCursorKey(msg) {
				w.valueEdited()
			}
		}
		return cmd
	}
	page := max(w.height/2, 1)
	switch {
	case key.Matches(msg, w.keys.Next):
		return w.next()
	case key.Matches(msg, w.keys.Back):
		return w.back()
	case key.Matches(msg, scrollDownKey):
		w.scrollBy(page)
	case key.Matches(msg, scrollUpKey):
		w.scrollBy(-page)
	}
	return nil
}

// View is the only place that makes a tea.View; everything below renders
// strings.
func (w *wizard) View() tea.View {
	v := tea.NewView(w.render())
	v.AltScreen = true
	v.WindowTitle = "authwiz"
	return v
}
