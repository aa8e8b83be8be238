// Package tui is authwiz's twelve-step wizard: Bubble Tea screens that
// mirror the Integration Builder guide, from the first screen to a saved,
// verified profile, and back again to edit it.
package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authwiz/authwiz/internal/cli"
	"github.com/authwiz/authwiz/internal/profile"
)

// Run runs the wizard until the admin finishes or quits. Nothing is read
// before the first frame but the profile `authwiz edit NAME` names; the
// saved profiles are read once, in the background, while the screen is up.
func Run(ctx context.Context, req cli.WizardRequest) error {
	if f, ok := req.Streams.In.(*os.File); ok && !req.Accessible && !term.IsTerminal(f.Fd()) {
		return errors.New("the wizard needs a terminal: run it in one, use --accessible for plain prompts, " +
			"or make the profile from a script with `authwiz new --no-input`")
	}
	dp := realDeps(req)
	var d *draft
	switch req.Mode {
	case cli.WizardNew:
		d = newDraft(nil, atlassianEndpoints) // the name is made unique once the profiles are read
		if dp.rehearsal != nil {
			d = newDraft(nil, dp.rehearsal.endpoints)
		}
	case cli.WizardEdit:
		p, sec, err := req.Store.Get(req.ProfileName)
		if errors.Is(err, profile.ErrNotFound) {
			return fmt.Errorf("no profile is called %q: `authwiz list` shows the saved ones", req.ProfileName)
		}
		if err != nil {
			return fmt.Errorf("open profile %q: %w", req.ProfileName, err)
		}
		d = editDraft(p, sec)
	}
	if req.Accessible {
		return runAccessible(ctx, req, dp, d)
	}
	w := newWizard(dp, d)
	opts := []tea.ProgramOption{
		tea.WithContext(ctx),
		// lipgloss detected the colour profile already (in tmux that asks
		// tmux itself); handing it over spares Bubble Tea asking again.
		tea.WithColorProfile(lipgloss.Writer.Profile),
		// Keystroke to screen in at most ~8 ms instead of ~16 ms.
		tea.WithFPS(120),
	}
	if req.Streams.In != nil {
		opts = append(opts, tea.WithInput(req.Streams.In))
	}
	if req.Streams.Out != nil {
		opts = append(opts, tea.WithOutput(req.Streams.Out))
	}
	_, err := tea.NewProgram(w, opts...).Run()
	w.finish() // stops a consent still waiting when the program was killed
	if w.rehearse {
		return cli.ErrRehearse
	}
	if w.outcome != "" && req.Streams.Err != nil {
		fmt.Fprintln(req.Streams.Err, w.outcome)
	}
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// realDeps wires the adapters the command line made.
func realDeps(req cli.WizardRequest) deps {
	return deps{
		profiles:  req.Store,
		drafts:    req.Store,
		clipboard: req.Clipboard,
		browser:   req.Browser,
		consent:   consentAdapter{runner: req.Consent},
		ports:     loopbackPorts{},
		now:       time.Now,
		rehearsal: rehearsalFrom(req.Rehearsal),
		// The way into a rehearsal is offered where it can be followed:
		// from the real start screen.
		offerRehearsal: req.Rehearsal == nil && req.Mode == cli.WizardStart,
	}
}

func rehearsalFrom(r *cli.Rehearsal) *rehearsal {
	if r == nil {
		return nil
	}
	return &rehearsal{
		endpoints:        endpoints{r.AuthURL, r.TokenURL, r.APIBaseURL},
		clientID:         r.ClientID,
		clientSecret:     r.ClientSecret,
		registerCallback: r.RegisterCallback,
		tunnelCommand:    r.TunnelCommand,
	}
}
