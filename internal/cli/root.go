// Package cli is authwiz's command line: it parses arguments, wires the real
// adapters (store, browser, clipboard, network) and hands over to the
// wizard or to a scriptable command.
package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/keyring"
	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
	"github.com/authwiz/authwiz/internal/seal"
	"github.com/authwiz/authwiz/internal/validate"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=…".
var Version = "dev"

// Streams are the standard streams, replaceable in tests.
type Streams = launch.Streams

// Main runs authwiz with args and returns the process exit code.
func Main(args []string, streams Streams, wizard launch.Wizard) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd(streams, wizard)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	printError(streams.Err, err)
	return exitCode(err)
}

// Exit codes, documented in the root command's help.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	// ExitAttention: a profile needs the admin (a new consent, a fix).
	ExitAttention = 3
	// ExitNotFound: no profile has the name given.
	ExitNotFound = 4
)

// attentionError marks a failure the admin has to act on: a consent to
// run again, a profile that does not verify.
type attentionError struct{ err error }

func (e attentionError) Error() string { return e.err.Error() }
func (e attentionError) Unwrap() error { return e.err }

// usageError marks a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// withUsage is a usage error followed, when printed, by the command's
// usage, to show what it takes.
type withUsage struct {
	usageError
	usage string
}

func (e withUsage) Unwrap() error { return e.usageError }

func exitCode(err error) int {
	var ue usageError
	var ae attentionError
	switch {
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, profile.ErrNotFound):
		return ExitNotFound
	case errors.As(err, &ae):
		return ExitAttention
	}
	return ExitError
}

type rootOptions struct {
	configDir  string
	accessible bool
	secrets    string // auto, file or keyring
	// timeout bounds each network call (--timeout of token and status);
	// zero means httpclient's default.
	timeout time.Duration

	// Seams for tests; nil means the real thing.
	lockWait time.Duration // zero: the store's default
	now      func() time.Time
	http     *http.Client
	keyring  profile.Keyring
	browser  browser.Opener
	// demoPort is where a rehearsal chosen on the start screen runs; zero
	// means rehearsal.DefaultPort.
	demoPort int
}

// httpClient is the client for every network call a command makes: each
// call bounded, so no command waits on a silent server for ever.
func (o *rootOptions) httpClient() *http.Client {
	if o.http != nil {
		return o.http
	}
	return httpclient.New(httpclient.Config{Overall: o.timeout})
}

// addTimeoutFlag gives a command that calls the network its --timeout.
func addTimeoutFlag(cmd *cobra.Command, root *rootOptions) {
	cmd.Flags().DurationVar(&root.timeout, "timeout", httpclient.DefaultOverall,
		"how long to wait for each answer from the network, like 30s or 2m (longer for a slow proxy)")
}

// checkTimeout refuses a --timeout that would make every call fail at once.
func checkTimeout(root *rootOptions) error {
	if root.timeout <= 0 {
		return usageError{fmt.Errorf("--timeout must be positive, like 30s or 2m")}
	}
	return nil
}

func (o *rootOptions) opener() browser.Opener {
	if o.browser != nil {
		return o.browser
	}
	return browser.System{}
}

func (o *rootOptions) clock() time.Time {
	if o.now != nil {
		return o.now()
	}
	return time.Now()
}

// accessibleWanted: the wizard should be line prompts, asked for with
// --accessible, ACCESSIBLE=1, or a terminal that cannot draw (TERM=dumb).
func (o *rootOptions) accessibleWanted(getenv func(string) string) bool {
	on, _ := strconv.ParseBool(getenv("ACCESSIBLE"))
	return o.accessible || on || getenv("TERM") == "dumb"
}

func newRootCmd(streams Streams, wizard launch.Wizard) *cobra.Command {
	return newRootCmdWith(streams, wizard, &rootOptions{})
}

// newRootCmdWith builds the command tree on opts, whose seams tests set.
func newRootCmdWith(streams Streams, wizard launch.Wizard, opts *rootOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "authwiz",
		Short: "Set up Atlassian Confluence OAuth 2.0 (3LO) step by step, and keep it working",
		Long: `authwiz walks you through the twelve steps of setting up an Atlassian
OAuth 2.0 (3LO) authentication for Confluence, runs the consent, verifies it,
and saves a profile whose tokens it keeps fresh.

Run without a command to open the wizard. Tab completes profile names once
the shell has loaded authwiz completion (authwiz completion --help says how).

Exit codes:
  0  success
  1  the command failed (the message says why and what to do)
  2  the command line was wrong
  3  a profile needs attention: a new consent (authwiz login NAME) or a fix
  4  no profile has that name`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownCommand,
		// cobra's own default, which SuggestionsFor does not apply.
		SuggestionsMinimumDistance: 2,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for {
				err := openWizard(cmd, opts, streams, wizard, launch.Request{Mode: launch.Start})
				if !errors.Is(err, launch.ErrRehearse) {
					return err
				}
				// A rehearsal chosen on the start screen leads back there.
				err = runDemo(cmd, opts, streams, wizard, cmp.Or(opts.demoPort, rehearsal.DefaultPort), true)
				if err != nil || cmd.Context().Err() != nil {
					return err
				}
			}
		},
	}
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.Err)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.PersistentFlags().StringVar(&opts.configDir, "config-dir", "",
		"where profiles are kept (overrides $AUTHWIZ_CONFIG_DIR)")
	cmd.PersistentFlags().BoolVar(&opts.accessible, "accessible", false,
		"plain line prompts instead of the full-screen wizard (also ACCESSIBLE=1 or TERM=dumb)")
	cmd.PersistentFlags().StringVar(&opts.secrets, "secrets", "auto",
		"where new profiles keep secrets: keyring (the OS keyring), file (secrets.toml, 0600), or auto (the keyring when one works)")
	cmd.AddCommand(
		newRestoreCmd(opts, streams),
		newNewCmd(opts, streams, wizard),
		newEditCmd(opts, streams, wizard),
		newLoginCmd(opts, streams, nil),
		newDemoCmd(opts, streams, wizard),
		newListCmd(opts, streams, nil),
		newShowCmd(opts, streams, nil),
		newStatusCmd(opts, streams, nil),
		newTokenCmd(opts, streams, nil),
		newRenameCmd(opts, streams, nil),
		newDeleteCmd(opts, streams, nil),
		newExportCmd(opts, streams, nil),
		newShareCmd(opts, streams, nil),
		newRecoverCmd(opts, streams, nil),
		newUnshareCmd(opts, streams, nil),
	)
	return cmd
}

// unknownCommand refuses words after `authwiz` that name no command, with
// the commands they may be a typo of.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%q is not an authwiz command; `%s` lists them", args[0], suggest("--help"))
	if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, " or ") + "?"
	}
	return usageError{errors.New(msg)}
}

// configDir is the directory authwiz keeps its files in.
func configDir(opts *rootOptions) (string, error) {
	if opts.configDir != "" {
		return opts.configDir, nil
	}
	return profile.ConfigDir()
}

// openStore opens the store of real profiles: secrets in the OS keyring
// when one works (or as --secrets says), and never the rehearsal app's
// credentials.
func openStore(opts *rootOptions, streams Streams) (*profile.Store, error) {
	store, err := openRealStore(opts, streams, false)
	if err != nil {
		return nil, err
	}
	warnHandEdits(store, streams)
	return store, nil
}

// openWizardStore is the store of real profiles the wizard is handed. It
// refuses to save a profile under a name this host has a shared record of:
// the wizard knows nothing of shared grants, so a profile it made or
// renamed there would silently take that grant's place. It does not warn
// of hand-added keys, whose check reads both files: the wizard shows them
// on its start screen, so its first frame waits for no file however many
// profiles there are.
func openWizardStore(opts *rootOptions, streams Streams) (*profile.Store, error) {
	return openRealStore(opts, streams, true)
}

// openRealStore is openStore without the warnings about hand-added keys;
// guardShared is openWizardStore's refusal of shared names.
func openRealStore(opts *rootOptions, streams Streams, guardShared bool) (*profile.Store, error) {
	dir, err := configDir(opts)
	if err != nil {
		return nil, err
	}
	check := rehearsal.RefuseInReal
	if guardShared {
		check = func(p profile.Profile, sec profile.Secrets) error {
			if err := rehearsal.RefuseInReal(p, sec); err != nil {
				return err
			}
			l, ok, err := sharedLinkOf(opts, p.Name)
			if err != nil || !ok {
				// Every command that reads shared.json says it is
				// unreadable; refusing here would also throw away the
				// tokens of a consent the wizard is saving.
				return nil
			}
			return sharedNameRefused(opts, p.Name, l)
		}
	}
	storeOpts := []profile.Option{profile.WithCheck(check)}
	kr := opts.keyring
	if kr == nil {
		kr = keyring.System()
	}
	switch opts.secrets {
	case "", "auto":
		storeOpts = append(storeOpts, profile.WithKeyring(kr))
	case profile.StorageKeyring:
		storeOpts = append(storeOpts, profile.WithKeyring(kr), profile.WithSecretStorage(profile.StorageKeyring))
	case profile.StorageFile:
		// Profiles already in the keyring stay readable.
		storeOpts = append(storeOpts, profile.WithKeyring(kr), profile.WithSecretStorage(profile.StorageFile))
	default:
		return nil, usageError{fmt.Errorf("--secrets must be auto, file or keyring, not %q", opts.secrets)}
	}
	return openStoreQuietly(dir, streams, append(storeOpts, opts.lockOptions()...)...)
}

// lockOptions are the store options every store of this run gets.
func (o *rootOptions) lockOptions() []profile.Option {
	if o.lockWait > 0 {
		return []profile.Option{profile.WithLockTimeout(o.lockWait)}
	}
	return nil
}

// openRehearsalStore opens the store of rehearsal profiles, which keeps
// its (worthless) secrets in its own file and never in the OS keyring.
func openRehearsalStore(opts *rootOptions, streams Streams) (*profile.Store, error) {
	dir, err := configDir(opts)
	if err != nil {
		return nil, err
	}
	return openStoreAt(rehearsal.Dir(dir), streams, opts.lockOptions()...)
}

// openStoreAt opens a store and passes on what it found wrong there, each
// with its fix.
func openStoreAt(dir string, streams Streams, opts ...profile.Option) (*profile.Store, error) {
	store, err := openStoreQuietly(dir, streams, opts...)
	if err != nil {
		return nil, err
	}
	warnHandEdits(store, streams)
	return store, nil
}

// filesBesideTheStore are the files authwiz keeps in the configuration
// directory besides the profile store's: opening the store checks that no
// one else may change them either. Whoever may rewrite shared.json may add
// a key the secrets are then sealed to.
var filesBesideTheStore = []string{sharedFileName, linksLockName, grantstore.JournalDirName, grantstore.CacheDirName, seal.IdentityFileName}

// openStoreQuietly opens a store and passes on what opening it found
// (files others may read), but not yet the hand-added keys.
func openStoreQuietly(dir string, streams Streams, opts ...profile.Option) (*profile.Store, error) {
	store, err := profile.Open(dir, append(opts, profile.WithOwnFiles(filesBesideTheStore...))...)
	if err != nil {
		return nil, err
	}
	warn(streams, store.Warnings()...)
	return store, nil
}

// warnHandEdits says which hand-added keys the next change will drop.
func warnHandEdits(store *profile.Store, streams Streams) { warn(streams, store.HandEdits()...) }

// warn says each warning on stderr, stripped of anything a terminal would
// act on, as printError does for errors: warnings quote files, servers and
// the shared store too.
func warn(streams Streams, warnings ...string) {
	for _, w := range warnings {
		fmt.Fprintln(streams.Err, "authwiz: warning:", validate.Sanitize(w))
	}
}
