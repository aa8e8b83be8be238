package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
)

// saveStep is step 12: the summary, then save, then the consent. The
// profile is saved before consenting, as the guide does, so a failed or
// cancelled consent never loses what was typed.
type saveStep struct {
	stepBase
	phase    savePhase
	problems []string // other steps' errors, found on trying to save
	saveErr  string
	consent  consentView
}

type savePhase int

const (
	phaseSummary savePhase = iota
	phaseSaving
	phaseSaved
	phaseConsent
)

var (
	saveKey         = binding("enter", "save")
	authenticateKey = binding("enter", "authenticate")
	finishKey       = binding("q", "finish")
)

func (s *saveStep) guide(c *stepContext) string {
	if s.phase == phaseConsent {
		return s.consent.guide(c)
	}
	return "Check the summary and save. Authenticating then opens " + c.target.pick("Atlassian's", "the rehearsal server's") + " consent page in " +
		"your browser: log in as the app's owner, choose your site, review the permissions and click Accept."
}

func (s *saveStep) enter(*stepContext) tea.Cmd {
	s.problems, s.saveErr = nil, ""
	s.phase = phaseSummary
	return nil
}

func (s *saveStep) leave(*stepContext) { s.consent.stop() }

func (s *saveStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case savedMsg:
		if m.err != nil {
			s.phase, s.saveErr = phaseSummary, m.err.Error()
			return nil, true
		}
		s.phase = phaseSaved
		return c.fx.saved(m.profile), true
	case startConsentMsg:
		s.phase = phaseConsent
		return s.consent.start(c), true
	}
	if s.phase == phaseConsent {
		return s.consent.update(c, msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch {
	case s.phase == phaseSummary && key.Matches(k, saveKey):
		s.saveErr = ""
		if s.problems = checkAll(c); len(s.problems) > 0 {
			return nil, true
		}
		s.phase = phaseSaving
		return saveCmd(c.deps.profiles, *c.draft), true
	case s.phase == phaseSaved && c.canConsent() && key.Matches(k, authenticateKey):
		s.phase = phaseConsent
		return s.consent.start(c), true
	case s.phase == phaseSaved && key.Matches(k, finishKey):
		outcome := fmt.Sprintf("Saved %q.", c.draft.Profile.Name)
		if c.canConsent() {
			outcome = nextCommands(c, false, indented)
		}
		return c.fx.finish(outcome), true
	}
	return nil, s.phase == phaseSaving
}

// validate: step 12 has no field of its own; saving checks all the others.
func (s *saveStep) validate(*stepContext) verdict { return verdict{} }

func (s *saveStep) keys(c *stepContext) []key.Binding {
	switch s.phase {
	case phaseSummary:
		return []key.Binding{saveKey}
	case phaseSaved:
		if !c.canConsent() {
			return []key.Binding{finishKey}
		}
		return []key.Binding{authenticateKey, finishKey}
	case phaseConsent:
		return s.consent.keys()
	}
	return nil
}

func (s *saveStep) view(c *stepContext) string {
	if s.phase == phaseConsent {
		return s.consent.view(c)
	}
	st := c.styles
	var out string
	switch {
	case s.saveErr != "":
		out = st.Error.Render(wrap("✗ Not saved: "+s.saveErr+". Nothing you typed is lost: fix that and press enter to try again.", c.width)) + "\n\n"
	case s.phase == phaseSaving:
		out = st.Subtle.Render("Saving…") + "\n\n"
	case s.phase == phaseSaved && !c.canConsent():
		out = st.Success.Render(wrap(fmt.Sprintf("✓ Saved as %q.", c.draft.Profile.Name), c.width)) + "\n\n"
	case s.phase == phaseSaved:
		out = st.Success.Render(wrap(fmt.Sprintf("✓ Saved as %q. Press enter to authenticate now, "+
			"or q to finish and do it later with %s.", c.draft.Profile.Name, c.command("login")), c.width)) + "\n\n"
	}
	out += summary(c)
	for _, warn := range summaryWarnings(c) {
		out += "\n\n" + st.Warning.Render(wrap("! "+warn, c.width))
	}
	for _, p := range s.problems {
		out += "\n" + st.Error.Render(wrap("✗ "+p, c.width))
	}
	if len(s.problems) > 0 {
		out += "\n" + st.Subtle.Render(wrap("Fix these first: esc goes back, ctrl+g jumps to a step.", c.width))
	}
	return out
}

// nextCommands tells how to use the profile from now on, each command
// shown by show. authenticated: a consent just worked. An edited profile
// whose tokens still work (no change made them stale) needs no new one.
func nextCommands(c *stepContext, authenticated bool, show func(command string) string) string {
	p := c.draft.Profile
	if health, _ := p.TokenState(c.deps.now()); !authenticated && health == profile.NeedsConsent {
		return fmt.Sprintf("Saved %q. Authenticate it with:\n%s", p.Name, show(c.command("login")))
	}
	token, status := usageCommands(c)
	out := "A fresh access token, whenever you need one:\n" + show(token) + "\nIs it still working?\n" + show(status)
	if !authenticated {
		out = fmt.Sprintf("Saved %q; its authentication still holds.\n", p.Name) + out
	}
	return out
}

// usageCommands are the commands that use an authenticated profile.
func usageCommands(c *stepContext) (token, status string) {
	return c.command("token"), c.command("status")
}

// indented shows a command printed after the program ends, where the
// terminal wraps long lines itself.
func indented(command string) string { return "  " + command }

// copyables: the consent's link and commands; before the consent, the
// Redirect URL, the value the summary most needs to show whole (the step
// list folds away rather than split it beside the list).
func (s *saveStep) copyables(c *stepContext) []string {
	if s.phase == phaseConsent {
		return s.consent.copyables(c)
	}
	return []string{c.draft.Profile.RedirectURL}
}

func (s *saveStep) modal() bool { return s.phase == phaseConsent && s.consent.pasting }

// typing: the paste field has the keyboard, so ? is part of a pasted URL.
func (s *saveStep) typing() bool { return s.modal() }

// quitOutcome is what to print when the program is quit on step 12 with
// the profile saved: the command that authenticates it, or, after a
// consent, the commands that use it, as finishing with q says.
func (s *saveStep) quitOutcome(c *stepContext) string {
	switch {
	case s.phase == phaseConsent && s.consent.result != nil:
		return connected(c, s.consent.sites.choosing())
	case (s.phase == phaseSaved || s.phase == phaseConsent) && c.canConsent():
		return nextCommands(c, false, indented)
	}
	return ""
}

// lines shows the summary, saves as the screen does, and runs the consent
// as the one consent conversation `authwiz login` holds too.
func (s *saveStep) lines(c *stepContext, p *prompter) error {
	for _, r := range summaryRows(c.draft) {
		p.say("%s: %s", r[0], r[1])
	}
	for _, warn := range summaryWarnings(c) {
		p.say("Warning: %s", warn)
	}
	if _, err := p.ask("Press Enter to save", ""); err != nil {
		return err
	}
	if problems := checkAll(c); len(problems) > 0 {
		return fmt.Errorf("cannot save: %s", strings.Join(problems, "; "))
	}
	saved, err := saveProfile(c.deps.profiles, *c.draft)
	if err != nil {
		return err
	}
	if forget := c.fx.saved(saved); forget != nil {
		forget() // the resumed draft: no loop here runs it
	}
	p.say("Saved %q.", saved.Name)
	if !c.canConsent() {
		p.say("%s", nextCommands(c, false, indented))
		return nil
	}
	err = consent.Conversation{
		Consents: c.deps.consent, Name: saved.Name, Browser: c.deps.browser,
		In: p.in, Out: p.out, Command: c.target.command,
	}.Run(p.ctx)
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("you stopped the consent; the profile is saved: authenticate it later with `%s`", c.command("login"))
	case err != nil:
		return fmt.Errorf("the profile is saved, but the consent did not finish: %w; try again with `%s`", err, c.command("login"))
	}
	p.say("%s", nextCommands(c, true, indented))
	return nil
}
