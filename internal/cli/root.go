// Package cli is authwiz's command line: it parses arguments, wires the real
// adapters (store, browser, clipboard, network) and hands over to the
// wizard or to a scriptable command.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=…".
var Version = "dev"

// Streams are the standard streams, replaceable in tests.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// WizardMode says where the wizard starts.
type WizardMode int

const (
	// WizardStart opens the start screen: new authentication or a saved profile.
	WizardStart WizardMode = iota
	// WizardNew goes straight to a new profile.
	WizardNew
	// WizardEdit opens a saved profile, prefilled.
	WizardEdit
)

// WizardRequest is everything the wizard needs from the command line. The
// wizard lives in tui/, which internal/ never imports, so main hands it in.
type WizardRequest struct {
	Mode        WizardMode
	ProfileName string
	Store       *profile.Store
	Streams     Streams
	// The wizard's side effects, wired by openWizard.
	Clipboard clipboard.Writer
	Browser   URLOpener
	Consent   *consent.Runner
}

// URLOpener opens a web page in the user's browser.
type URLOpener interface {
	Open(url string) error
}

// RunWizard runs the interactive wizard.
type RunWizard func(ctx context.Context, req WizardRequest) error

// Main runs authwiz with args and returns the process exit code.
func Main(args []string, streams Streams, wizard RunWizard) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd(streams, wizard)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(streams.Err, "authwiz:", err)
	return exitCode(err)
}

// Exit codes, documented in the root command's help.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// usageError marks a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitError
}

type rootOptions struct {
	configDir string
}

func newRootCmd(streams Streams, wizard RunWizard) *cobra.Command {
	opts := &rootOptions{}
	cmd := &cobra.Command{
		Use:   "authwiz",
		Short: "Set up Atlassian Confluence OAuth 2.0 (3LO) step by step, and keep it working",
		Long: `authwiz walks you through the twelve steps of setting up an Atlassian
OAuth 2.0 (3LO) authentication for Confluence, runs the consent, verifies it,
and saves a profile whose tokens it keeps fresh.

Run without a command to open the wizard.

Exit codes:
  0  success
  1  the command failed (the message says why and what to do)
  2  the command line was wrong`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return openWizard(cmd, opts, streams, wizard, WizardRequest{Mode: WizardStart})
		},
	}
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.Err)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.PersistentFlags().StringVar(&opts.configDir, "config-dir", "",
		"where profiles are kept (overrides $AUTHWIZ_CONFIG_DIR)")
	cmd.AddCommand(
		newRestoreCmd(opts, streams),
		newNewCmd(opts, streams, wizard),
		newEditCmd(opts, streams, wizard),
		newLoginCmd(opts, streams, nil),
	)
	return cmd
}

// openStore opens the profile store in the configured directory and passes
// on what it found wrong there, each with its fix.
func openStore(opts *rootOptions, streams Streams) (*profile.Store, error) {
	dir := opts.configDir
	if dir == "" {
		var err error
		if dir, err = profile.ConfigDir(); err != nil {
			return nil, err
		}
	}
	store, err := profile.Open(dir)
	if err != nil {
		return nil, err
	}
	for _, w := range store.Warnings() {
		fmt.Fprintln(streams.Err, "authwiz: warning:", w)
	}
	return store, nil
}
