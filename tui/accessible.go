package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// The accessible wizard runs the same steps, with the same texts and the
// same validation, as plain line prompts: no alternate screen and no
// redraws, for screen readers and terminals that cannot draw the TUI. It
// is a loop over the step table: each step asks for its own values (its
// lines method), and the wizard's effects do the rest, as on screen.

var (
	errBack       = errors.New("back")
	errInputEnded = errors.New("the input ended before the wizard did; nothing was saved")
	errStopped    = errors.New("you stopped the wizard; nothing was saved")
)

// prompter asks questions on plain lines.
type prompter struct {
	ctx context.Context
	// in is every read of the admin's input, the consent conversation's
	// and the secret's too: a line typed ahead for a later prompt waits
	// there instead of being swallowed by another reader.
	in  *consent.Input
	out io.Writer
	// secretFd is the terminal secrets are read from without echo; secretOK
	// is false when standard input is not a terminal.
	secretFd uintptr
	secretOK bool
}

// terminalFd is the descriptor of in when it is a terminal.
type terminalFd interface{ Fd() uintptr }

func newPrompter(ctx context.Context, in io.Reader, out io.Writer) *prompter {
	p := &prompter{ctx: ctx, in: consent.NewInput(in), out: out}
	if f, ok := in.(terminalFd); ok && term.IsTerminal(f.Fd()) {
		p.secretFd, p.secretOK = f.Fd(), true
	}
	return p
}

// runLines runs the wizard w as line prompts, from its current step to the
// consent.
func runLines(w *wizard, p *prompter) error {
	w.lineMode = true
	profiles, err := w.deps.profiles.List()
	if err != nil {
		return err
	}
	w.start.profiles, w.start.loaded = profiles, true
	w.start.shared, w.start.sharedErr = sharedOf(w.deps.shared, profiles)
	if w.cur == stepStart {
		w.openDraft(newDraft(profile.Names(profiles), w.deps.target.endpoints), firstProfileStep)
	}
	if w.draft.EditOf == "" {
		if err := w.offerDraftLines(p); err != nil {
			return err
		}
	}
	for {
		c := w.frameCtx() // no screen, so no room to share out
		p.announce(c, w.cur, w.step())
		err := w.step().lines(c, p)
		switch {
		case errors.Is(err, errBack):
			w.cur = max(firstProfileStep, w.neighbour(w.cur, -1))
			continue
		case err != nil:
			return err
		case w.cur == stepSave:
			return nil
		}
		w.cur = w.neighbour(w.cur, 1)
	}
}

// offerDraftLines asks once, before a new profile's first step, whether to
// resume the unfinished draft instead, as the screen offers it there.
func (w *wizard) offerDraftLines(p *prompter) error {
	saved, ok, err := w.deps.drafts.LoadDraft()
	switch {
	case err != nil:
		p.say("The unfinished draft cannot be read (%v); it is left as it is.", err)
		return nil
	case !ok || !w.start.resumableHere(saved):
		return nil
	}
	answer, err := p.ask(fmt.Sprintf("Resume the unfinished %q (step %d)? y/n (n: start a new one and keep the draft)",
		validate.Sanitize(saved.Profile.Name), saved.Step), "n")
	if err != nil && !errors.Is(err, errBack) {
		return err
	}
	if err != nil || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y") {
		return nil
	}
	// Nothing runs in the background here: the draft of an edit reads its
	// profile now, as the screen would once the read came back.
	cmd := resumeDraft(w.frameCtx(), saved)
	if saved.EditOf == "" {
		return nil
	}
	opened := cmd().(profileOpenedMsg)
	if opened.err != nil {
		return fmt.Errorf("resume the unfinished edit of %q: %w", saved.EditOf, opened.err)
	}
	w.steps[stepStart].(*startStep).opened(w.frameCtx(), opened)
	return nil
}

func (p *prompter) say(format string, args ...any) { fmt.Fprintf(p.out, format+"\n", args...) }

func (p *prompter) announce(c *stepContext, id stepID, s step) {
	p.say("\nStep %d of %d: %s", id.number(), stepCount, id.title())
	p.say("%s", s.guide(c))
	if id > firstProfileStep {
		p.say("(Type back to return to the previous step.)")
	}
}

// ask reads one answer; an empty answer keeps def.
func (p *prompter) ask(label, def string) (string, error) {
	if def != "" {
		fmt.Fprintf(p.out, "%s [%s]: ", label, def)
	} else {
		fmt.Fprintf(p.out, "%s: ", label)
	}
	line, err := p.readLine()
	switch {
	case errors.Is(err, consent.ErrLineTooLong):
		p.say("That line is too long to be an answer.")
		return p.ask(label, def)
	case err != nil:
		return "", err
	case strings.EqualFold(strings.TrimSpace(line), "back"):
		return "", errBack
	case strings.TrimSpace(line) == "":
		return def, nil
	}
	return line, nil
}

// readLine reads the next answer. It gives up when the run is stopped
// (Ctrl-C), which needs other words than a script that ran out of answers.
func (p *prompter) readLine() (string, error) {
	line, err := p.in.ReadLine(p.ctx)
	switch {
	case err == nil, errors.Is(err, consent.ErrLineTooLong):
		return line, err
	case p.ctx.Err() != nil:
		return "", errStopped
	}
	return "", errInputEnded
}

// check validates step s: the error is said and the step asked again;
// warnings are said; a passing step stores its clean values.
func (p *prompter) check(c *stepContext, s step) bool {
	v := s.validate(c)
	for _, warn := range v.warnings {
		p.say("Warning: %s", warn)
	}
	if v.err != "" {
		p.say("Error: %s", v.err)
		return false
	}
	if v.apply != nil {
		v.apply(c.draft)
	}
	return true
}

// field asks for one text value until step s accepts it.
func (p *prompter) field(c *stepContext, s step, label string, value func(d *draft) *string) error {
	for {
		before := *value(c.draft)
		answer, err := p.ask(label, before)
		if err != nil {
			return err
		}
		*value(c.draft) = answer
		if p.check(c, s) {
			return nil
		}
		// Enter at the next prompt keeps the last good value, not the one
		// just refused.
		*value(c.draft) = before
	}
}

// readSecret reads the client secret without echoing it. A secret is never
// read from a pipe, where it would have to sit in a file or a history.
func (p *prompter) readSecret() (string, error) {
	if !p.secretOK {
		return "", errors.New("the client secret can only be typed at a terminal: run the accessible wizard in one, or use `" +
			programCommand("new --no-input --client-secret-stdin") + "`")
	}
	fmt.Fprint(p.out, "Client secret (not shown as you type): ")
	// The secret comes through the same Input as every answer: its reader
	// may be waiting on the terminal already, and a second reader would
	// race it for the line.
	show, err := hideTyping(p.secretFd)
	if err != nil {
		return "", fmt.Errorf("hide the client secret as it is typed: %w; set the secret with `%s` instead",
			err, programCommand("new --no-input --client-secret-stdin"))
	}
	secret, err := p.readLine()
	err = errors.Join(err, show())
	fmt.Fprintln(p.out)
	if err != nil {
		return "", fmt.Errorf("read the client secret: %w", err)
	}
	return strings.TrimSpace(secret), nil
}
