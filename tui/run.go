// Package tui is authwiz's twelve-step wizard: Bubble Tea screens that
// mirror the Integration Builder guide, from the first screen to a saved,
// verified profile, and back again to edit it; and the same steps as line
// prompts for accessible mode.
package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/loopback"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
	"github.com/authwiz/authwiz/internal/validate"
)

// Run runs the wizard until the admin finishes or quits. Nothing is read
// before the first frame but the profile `authwiz edit NAME` names; the
// saved profiles are read once, in the background, while the screen is up.
func Run(ctx context.Context, req launch.Request) error {
	if f, ok := req.Streams.In.(*os.File); ok && !req.Accessible && !term.IsTerminal(f.Fd()) {
		return errors.New("the wizard needs a terminal: run it in one, use --accessible for plain prompts, " +
			"or make the profile from a script with `" + programCommand("new --no-input") + "`")
	}
	dp := depsFor(req)
	var d *draft
	switch req.Mode {
	case launch.New:
		d = newDraft(nil, dp.target.endpoints) // the name is made unique once the profiles are read
		if req.Imported != nil {
			d = importedDraft(*req.Imported, dp.target.endpoints)
		}
	case launch.Edit:
		p, sec, err := req.Store.Get(req.ProfileName)
		if errors.Is(err, profile.ErrNotFound) {
			return fmt.Errorf("no profile is called %q: `%s` shows the saved ones", req.ProfileName, programCommand("list"))
		}
		if err != nil {
			return fmt.Errorf("open profile %q: %w", req.ProfileName, err)
		}
		d = editDraft(p, sec)
	}
	w := newWizard(dp, d)
	if req.Accessible {
		return runLines(w, newPrompter(ctx, req.Streams.In, req.Streams.Err))
	}
	return runScreen(ctx, w, req.Streams)
}

// importedDraft is a new profile for the app whose settings `authwiz new
// --from FILE` read: the app exists, so the console steps are skipped.
func importedDraft(in setup.Input, ep endpoints) *draft {
	d := newDraft(nil, ep)
	d.importApp(in, importedByCommand())
	if name := validate.Clean(in.Name); name != "" {
		d.Profile.Name = name
	}
	return d
}

// depsFor is the wizard's side of the adapters the command line wired.
func depsFor(req launch.Request) deps {
	return deps{
		profiles:  req.Store,
		drafts:    req.Store,
		clipboard: req.Clipboard,
		browser:   req.Browser,
		consent:   req.Consent,
		ports:     loopback.Ports{},
		now:       time.Now,
		target:    rehearsalTarget(req.Rehearsal),
		shared:    req.Shared,
		// The way into a rehearsal is offered where it can be followed:
		// from the real start screen.
		offerRehearsal: req.Rehearsal == nil && req.Mode == launch.Start,
	}
}

// runScreen runs the full-screen wizard as a Bubble Tea program.
func runScreen(ctx context.Context, w *wizard, streams launch.Streams) error {
	opts := []tea.ProgramOption{
		tea.WithContext(ctx),
		// lipgloss detected the colour profile already (in tmux that asks
		// tmux itself); handing it over spares Bubble Tea asking again.
		tea.WithColorProfile(lipgloss.Writer.Profile),
		// Keystroke to screen in at most ~8 ms instead of ~16 ms.
		tea.WithFPS(120),
	}
	if streams.In != nil {
		opts = append(opts, tea.WithInput(streams.In))
	}
	if streams.Out != nil {
		opts = append(opts, tea.WithOutput(streams.Out))
		if f, ok := streams.Out.(terminalFd); !ok || !term.IsTerminal(f.Fd()) {
			// No terminal to ask for its size (a recording, a test): draw
			// the standard 80×24 rather than nothing.
			opts = append(opts, tea.WithWindowSize(80, 24))
		}
	}
	_, err := tea.NewProgram(w, opts...).Run()
	w.step().leave(w.ctx()) // stops a consent still waiting when the program was killed
	if w.wantsRehearsal {
		return launch.ErrRehearse
	}
	if w.outcome != "" && streams.Err != nil {
		fmt.Fprintln(streams.Err, w.outcome)
	}
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
