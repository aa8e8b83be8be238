package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
)

// newNewCmd is `authwiz new`: the wizard, straight at a new profile, or
// with --no-input the same profile made from flags.
func newNewCmd(root *rootOptions, streams Streams, wizard launch.Wizard) *cobra.Command {
	noInput := &noInputOptions{}
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Set up a new authentication with the wizard, or from flags with --no-input",
		Long: `new opens the wizard on a new profile, skipping the start screen. It walks
through the twelve steps of the Atlassian set-up, saves the profile and runs
the consent.

With --no-input it makes the same profile from flags, for scripts: the same
checks run, every problem is listed at once, and nothing is saved unless all
pass. The client secret never comes from a flag: use --client-secret-stdin,
--client-secret-file FILE or AUTHWIZ_CLIENT_SECRET.

With --from FILE it starts from an app's settings written by authwiz export
(an app your organisation or a colleague created already): the wizard opens
prefilled, and with --no-input the file's values stand for the flags not given.`,
		Example: `  authwiz new
  printf '%s' "$SECRET" | authwiz new --no-input --name "Confluence prod" \
      --client-id aBcDeFgHiJkLmNoPqRsTuVwXyZ012345 \
      --scopes "read:confluence-content.all read:confluence-user" --client-secret-stdin --login
  authwiz new --from confluence-prod.toml
  printf '%s' "$SECRET" | authwiz new --no-input --from confluence-prod.toml --client-secret-stdin --login`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if noInput.NoInput {
				return runNoInput(cmd.Context(), root, streams, noInput, os.Getenv, root.opener())
			}
			var given []string
			cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
				if f.Changed && f.Name != "from" {
					given = append(given, "--"+f.Name)
				}
			})
			if len(given) > 0 {
				return usageError{fmt.Errorf("%s only work with --no-input; without it the wizard asks for every value", strings.Join(given, ", "))}
			}
			req := launch.Request{Mode: launch.New}
			if noInput.From != "" {
				in, err := readSettingsFile(noInput.From)
				if err != nil {
					return err
				}
				req.Imported = &in
			}
			return openWizard(cmd, root, streams, wizard, req)
		},
	}
	addNoInputFlags(cmd, noInput)
	return cmd
}

// newEditCmd is `authwiz edit NAME`: the wizard, prefilled with a profile.
func newEditCmd(root *rootOptions, streams Streams, wizard launch.Wizard) *cobra.Command {
	var rehearsal bool
	cmd := &cobra.Command{
		Use:   "edit NAME",
		Short: "Change a saved profile with the wizard",
		Long: `edit opens the wizard prefilled with the profile called NAME. Changing the
client ID or secret, the Redirect URL or the scopes marks its tokens stale,
and the last step offers to authenticate again. Renaming keeps everything else.
A profile shared with authwiz share is not edited here: edit says what to do.`,
		Example:           `  authwiz edit "OAuth2 confluence Authentication"`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			if rehearsal {
				return usageError{errors.New("rehearsal profiles are edited inside the rehearsal, where their server runs: " +
					"run `" + suggest("demo") + "` and choose the profile on the start screen")}
			}
			store, err := openWizardStore(root, streams)
			if err != nil {
				return err
			}
			warnHandEdits(store, streams)
			p, err := findTarget(root, streams, store, target{Name: args[0]})
			if err != nil {
				return err
			}
			if _, shared, err := sharedLinkOf(root, p.Name); err != nil {
				return err
			} else if shared {
				// The wizard's rename would leave the shared record behind,
				// and its consent would make a grant no other host uses.
				return usageError{fmt.Errorf("the grant of %q lives in a shared store, which the wizard does not know: %s", p.Name, sharedInstead(p.Name))}
			}
			return wizard(cmd.Context(), wired(launch.Request{Mode: launch.Edit, ProfileName: p.Name}, root, streams, store))
		},
	}
	addRehearsalFlag(cmd, &rehearsal)
	return cmd
}

// usageArgs marks an argument-count mistake as a usage error (exit 2),
// with the command's usage to show what it takes.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return withUsage{usageError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}, cmd.UsageString()}
		}
		return nil
	}
}

// openWizard runs the wizard on the store of real profiles.
func openWizard(cmd *cobra.Command, root *rootOptions, streams Streams, wizard launch.Wizard, req launch.Request) error {
	store, err := openWizardStore(root, streams)
	if err != nil {
		return err
	}
	return wizard(cmd.Context(), wired(req, root, streams, store))
}

// wired completes req with the store and the real adapters: the one place
// the wizard's side effects are chosen, for real profiles and rehearsals.
func wired(req launch.Request, root *rootOptions, streams Streams, store *profile.Store) launch.Request {
	req.Store = store
	req.Streams = streams
	req.Accessible = root.accessibleWanted(os.Getenv)
	req.Clipboard = clipboard.NewSystem()
	req.Browser = root.opener()
	req.Consent = runnerFor(root, store)
	if req.Rehearsal == nil {
		req.Shared = func(name string) (launch.SharedGrant, bool, error) {
			l, ok, err := sharedLinkOf(root, name)
			if err != nil || !ok {
				return launch.SharedGrant{}, false, err
			}
			return launch.SharedGrant{Store: l.where(), Instead: sharedInstead(name)}, true, nil
		}
	}
	return req
}

// sharedInstead is what to do with the shared profile called name instead
// of opening it in the wizard, which does not know shared grants.
func sharedInstead(name string) string {
	return fmt.Sprintf("rename it with `%s`; to change its settings, bring the grant back with `%s`, edit it, "+
		"and share it again with `%s --to …`; to consent again and put the new grant into the store, run `%s`",
		profile.Command("rename", name)+" NEW", profile.Command("unshare", name), profile.Command("share", name), grantstore.ReshareCommand(name))
}
