package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/cli"
	"github.com/authwiz/authwiz/internal/profile"
)

// The accessible wizard runs the same twelve steps, with the same texts
// and the same validation, as plain line prompts: no alternate screen and
// no redraws, for screen readers and terminals that cannot draw the TUI.
// It drives the wizard's own steps: each prompt sets the draft and asks
// the step to validate it.

var (
	errBack       = errors.New("back")
	errInputEnded = errors.New("the input ended before the wizard did; nothing was saved")
)

type lineWizard struct {
	w   *wizard
	in  *bufio.Reader
	out io.Writer
	// secretFd is the terminal secrets are read from without echo; ok is
	// false when standard input is not a terminal.
	secretFd uintptr
	secretOK bool
	req      cli.WizardRequest
}

// runAccessible runs the wizard as line prompts on req's streams.
func runAccessible(ctx context.Context, req cli.WizardRequest, dp deps, d *draft) error {
	lw := &lineWizard{w: newWizard(dp, d), in: bufio.NewReader(req.Streams.In), out: req.Streams.Err, req: req}
	if f, ok := req.Streams.In.(*os.File); ok && term.IsTerminal(f.Fd()) {
		lw.secretFd, lw.secretOK = f.Fd(), true
	}
	profiles, err := dp.profiles.List()
	if err != nil {
		return err
	}
	lw.w.start.profiles, lw.w.start.loaded = profiles, true
	if d == nil {
		lw.w.draft = newDraft(profile.Names(profiles), lw.w.defaultEndpoints())
	}
	prompts := lw.prompts()
	for i := 1; i < len(lw.w.steps); {
		lw.announce(i)
		err := prompts[i]()
		switch {
		case errors.Is(err, errBack):
			i = max(i-1, 1)
			continue
		case err != nil:
			return err
		}
		if i == len(lw.w.steps)-1 {
			return lw.authenticate(ctx)
		}
		i++
	}
	return nil
}

// prompts are the line prompts for each step, in the step table's order;
// the start screen (index 0) is the choice made on the command line.
func (lw *lineWizard) prompts() []func() error {
	return []func() error{
		nil,
		lw.field("Name", func(d *draft) *string { return &d.Profile.Name }),
		lw.checkpoint(),
		lw.checkpoint(),
		lw.appName,
		lw.checkpoint(),
		lw.redirect,
		lw.permissions,
		lw.credentials,
		lw.endpoints,
		lw.scopes,
		lw.save,
	}
}

func (lw *lineWizard) say(format string, args ...any) { fmt.Fprintf(lw.out, format+"\n", args...) }

func (lw *lineWizard) announce(i int) {
	lw.w.cur = i
	lw.say("\nStep %d of %d: %s", i+1, len(lw.w.steps), lw.w.steps[i].title())
	lw.say("%s", lw.w.steps[i].guide(lw.w))
	if i > 1 {
		lw.say("(Type back to return to the previous step.)")
	}
}

// ask reads one answer; an empty answer keeps def.
func (lw *lineWizard) ask(label, def string) (string, error) {
	if def != "" {
		fmt.Fprintf(lw.out, "%s [%s]: ", label, def)
	} else {
		fmt.Fprintf(lw.out, "%s: ", label)
	}
	line, err := lw.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", errInputEnded
	}
	line = strings.TrimRight(line, "\r\n")
	switch {
	case strings.EqualFold(strings.TrimSpace(line), "back"):
		return "", errBack
	case strings.TrimSpace(line) == "":
		return def, nil
	}
	return line, nil
}

// check validates the current step: the error is said and the step
// asked again; warnings are said; a passing step stores its clean values.
func (lw *lineWizard) check() bool {
	v := lw.w.steps[lw.w.cur].validate(lw.w)
	for _, warn := range v.warnings {
		lw.say("Warning: %s", warn)
	}
	if v.err != "" {
		lw.say("Error: %s", v.err)
		return false
	}
	if v.apply != nil {
		v.apply(lw.w.draft)
	}
	return true
}

// field asks for one text value until the step accepts it.
func (lw *lineWizard) field(label string, value func(d *draft) *string) func() error {
	return func() error {
		for {
			before := *value(lw.w.draft)
			answer, err := lw.ask(label, before)
			if err != nil {
				return err
			}
			*value(lw.w.draft) = answer
			if lw.check() {
				return nil
			}
			// Enter at the next prompt keeps the last good value, not the
			// one just refused.
			*value(lw.w.draft) = before
		}
	}
}

// checkpoint asks the admin to confirm a step done in the console.
func (lw *lineWizard) checkpoint() func() error {
	return func() error {
		if _, err := lw.ask("Press Enter once this is done", ""); err != nil {
			return err
		}
		lw.w.draft.Confirmed[lw.w.cur+1] = true
		lw.check()
		return nil
	}
}

func (lw *lineWizard) appName() error {
	lw.w.draft.Confirmed[lw.w.cur+1] = true // answering is the checkpoint
	return lw.field("App name", func(d *draft) *string { return &d.Profile.AppName })()
}

func (lw *lineWizard) redirect() error {
	if err := lw.field("Redirect URL", func(d *draft) *string { return &d.Profile.RedirectURL })(); err != nil {
		return err
	}
	if r := lw.w.deps.rehearsal; r != nil {
		if err := r.registerCallback(lw.w.draft.Profile.RedirectURL); err != nil {
			lw.say("The rehearsal console did not take the Callback URL: %v", err)
		} else {
			lw.say("Rehearsal: saved as the rehearsal app's Callback URL.")
		}
	}
	return nil
}

// permissions offers the presets by number, or scopes typed out.
func (lw *lineWizard) permissions() error {
	presets := atlassian.Presets()
	for i, p := range presets {
		lw.say("  %d. %s: %s", i+1, p.Name, p.Description)
	}
	for {
		answer, err := lw.ask("A preset's number, or scopes separated by spaces", "1")
		if err != nil {
			return err
		}
		scopes := strings.Fields(answer)
		if n, convErr := strconv.Atoi(answer); convErr == nil && n >= 1 && n <= len(presets) {
			scopes = presets[n-1].Scopes
		}
		lw.w.draft.setConsoleScopes(scopes)
		if lw.check() {
			lw.say("Tick these in the console: %s", strings.Join(lw.w.draft.consoleScopes(), ", "))
			return nil
		}
	}
}

func (lw *lineWizard) credentials() error {
	d := lw.w.draft
	for {
		id, err := lw.ask("Client ID", d.Profile.ClientID)
		if err != nil {
			return err
		}
		d.Profile.ClientID = id
		replace := "y"
		if d.KeptSecret != "" {
			if replace, err = lw.ask("A client secret is saved ("+masked(d.KeptSecret)+"). Replace it? y/n", "n"); err != nil {
				return err
			}
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(replace)), "y") {
			if d.Secret, err = lw.readSecret(); err != nil {
				return err
			}
		}
		if lw.check() {
			return nil
		}
	}
}

// readSecret reads the client secret without echoing it. A secret is never
// read from a pipe, where it would have to sit in a file or a history.
func (lw *lineWizard) readSecret() (string, error) {
	if !lw.secretOK {
		return "", errors.New("the client secret can only be typed at a terminal: run the accessible wizard in one, or use `authwiz new --no-input --client-secret-stdin`")
	}
	fmt.Fprint(lw.out, "Client secret (not shown as you type): ")
	b, err := term.ReadPassword(lw.secretFd)
	fmt.Fprintln(lw.out)
	if err != nil {
		return "", fmt.Errorf("read the client secret: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (lw *lineWizard) endpoints() error {
	for {
		p := &lw.w.draft.Profile
		for _, f := range []struct {
			label string
			value *string
		}{{"Authorization URL", &p.AuthURL}, {"Token URL", &p.TokenURL}, {"API base URL", &p.APIBaseURL}} {
			answer, err := lw.ask(f.label, *f.value)
			if err != nil {
				return err
			}
			*f.value = answer
		}
		if lw.check() {
			return nil
		}
	}
}

func (lw *lineWizard) scopes() error {
	for {
		answer, err := lw.ask("Scopes", strings.Join(lw.w.draft.Profile.Scopes, " "))
		if err != nil {
			return err
		}
		lw.w.draft.Profile.Scopes = strings.Fields(answer)
		if lw.check() {
			return nil
		}
	}
}

// save shows the summary and saves, as step 12 does before the consent.
func (lw *lineWizard) save() error {
	d := lw.w.draft
	lw.say("Name: %s\nRedirect URL: %s\nClient ID: %s\nClient secret: %s\nAuthorization URL: %s\nToken URL: %s\nAPI base URL: %s\nScopes: %s",
		d.Profile.Name, d.Profile.RedirectURL, d.Profile.ClientID, masked(d.secret()),
		d.Profile.AuthURL, d.Profile.TokenURL, d.Profile.APIBaseURL, strings.Join(d.Profile.Scopes, " "))
	if _, err := lw.ask("Press Enter to save", ""); err != nil {
		return err
	}
	if problems := lw.w.checkAll(); len(problems) > 0 {
		return fmt.Errorf("cannot save: %s", strings.Join(problems, "; "))
	}
	msg := saveCmd(lw.w.deps.profiles, *d)().(savedMsg)
	if msg.err != nil {
		return msg.err
	}
	lw.w.saved(msg.profile)
	lw.say("Saved %q.", msg.profile.Name)
	return nil
}

// authenticate runs the consent, as the guide's last click does.
func (lw *lineWizard) authenticate(ctx context.Context) error {
	if lw.req.Consent == nil {
		lw.say("%s", lw.w.nextCommands(false))
		return nil
	}
	command := profile.Command
	if lw.w.deps.rehearsal != nil {
		command = func(verb, name string) string { return profile.Command(verb+" --rehearsal", name) }
	}
	err := cli.RunConsent(ctx, cli.ConsentSession{
		Runner: lw.req.Consent, Name: lw.w.draft.Profile.Name, Browser: lw.req.Browser,
		In: lw.in, Out: lw.out, Command: command,
	})
	if err != nil {
		return fmt.Errorf("the profile is saved, but the consent did not finish: %w; try again with `%s`", err, lw.w.command("login"))
	}
	lw.say("%s", lw.w.nextCommands(true))
	return nil
}
