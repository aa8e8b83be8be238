package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/profile"
)

type deleteOptions struct {
	target
	Yes       bool
	FromStore bool
}

func newDeleteCmd(root *rootOptions, streams Streams, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile with its secrets (the grant at Atlassian stays until revoked)",
		Long: `delete removes the profile, its client secret and its tokens from this
computer. It asks first unless --yes is given. Secrets kept in the OS
keyring go first: while that keyring does not answer (locked, or no desktop
session) nothing is deleted, so no entry is left behind that nothing leads to.

The consent given to the app still stands at Atlassian: the user who consented
revokes it at ` + atlassian.RevokeAppsURL + `, and the app itself can be
deleted in the Developer Console, ` + atlassian.DeveloperConsoleURL + `.

Of a profile shared with authwiz share, delete removes this host's profile
and its records of the shared grant; the grant stays in the shared store for
the other hosts. With --from-store it is deleted there too, for every host:
that needs the database role that owns the authwiz tables.`,
		Example: `  authwiz delete "OAuth2 confluence Authentication"
  authwiz delete --yes --rehearsal "OAuth2 confluence Authentication"
  authwiz delete --from-store "Confluence prod"`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDelete(cmd.Context(), root, streams, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	cmd.Flags().BoolVar(&opts.FromStore, "from-store", false, "of a shared profile, delete the grant in the shared store too, for every host")
	addRehearsalFlag(cmd, &opts.Rehearsal)
	return cmd
}

func runDelete(ctx context.Context, root *rootOptions, streams Streams, opts *deleteOptions) error {
	store, p, err := openTarget(root, streams, opts.target)
	if errors.Is(err, profile.ErrNotFound) && !opts.Rehearsal {
		// A delete that stopped after the profile went left its shared
		// record: dropping it, as unshare --forget does, finishes the job.
		if _, left, lerr := sharedLinkOf(root, opts.Name); lerr == nil && left {
			return runForget(root, streams, opts.Name)
		}
	}
	if err != nil {
		return err
	}
	link, shared := sharedLink{}, false
	if !opts.Rehearsal {
		if link, shared, err = sharedLinkOf(root, p.Name); err != nil {
			return err
		}
	}
	if opts.FromStore && !shared {
		return usageError{fmt.Errorf("--from-store is for shared profiles: the grant of %q is on this host only", p.Name)}
	}
	if shared && !opts.FromStore {
		// Dropping the journal's answer would lose the grant for every host.
		if err := pendingAnswer(root, p.Name, link); err != nil {
			return attentionError{fmt.Errorf("%w; run `%s` first, then delete it", err, profile.Command("recover", p.Name))}
		}
	}
	question := fmt.Sprintf("Delete %q with its client secret and tokens? [y/N] ", p.Name)
	switch {
	case opts.FromStore:
		question = fmt.Sprintf("Delete %q here, and its grant in %s for every host? [y/N] ", p.Name, link.where())
	case shared:
		question = fmt.Sprintf("Delete %q from this host (its grant stays in %s for the other hosts)? [y/N] ", p.Name, link.where())
	}
	if !opts.Yes {
		ok, err := confirm(streams, question, "delete")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(streams.Err, "Nothing deleted.")
			return nil
		}
	}
	if opts.FromStore {
		// The grant must not go from the store for every host while this
		// host's profile stays, held by a keyring that does not answer.
		if p.SecretStorage == profile.StorageKeyring {
			if err := store.KeyringStatus(); err != nil {
				return fmt.Errorf("%q keeps its client secret in the OS keyring, which does not answer (%w), so nothing was deleted, here or in %s: "+
					"run this again where that keyring answers, in the desktop session that made the profile, with the keyring unlocked", p.Name, err, link.where())
			}
		}
		if err := deleteFromStore(ctx, root, streams, p.Name, link); err != nil {
			return err
		}
	}
	if err := store.Delete(p.Name); err != nil {
		return err
	}
	if shared {
		midway("delete: profile deleted")
		if err := forgetLink(root, p.Name, link); err != nil {
			return fmt.Errorf("deleted %q, but this host's records of its shared grant remain: %w; run `%s` to finish", p.Name, err, profile.Command("delete", p.Name))
		}
	}
	switch {
	case opts.FromStore:
		fmt.Fprintf(streams.Err, "Deleted %q from this computer, and its grant from %s: hosts that shared it can no longer get a token.\n", p.Name, link.where())
	case shared:
		fmt.Fprintf(streams.Err, "Deleted %q from this computer. Its grant stays in %s, where the other hosts use it;\n"+
			"to delete it there too, run `%s --from-store` on a host that has the profile, with the role that owns the authwiz tables.\n",
			p.Name, link.where(), profile.Command("delete", link.key(p.Name)))
		return nil
	}
	if !opts.Rehearsal && (opts.FromStore || p.Tokens.HasAccess || p.Tokens.HasRefresh) {
		fmt.Fprintf(streams.Err, "The consent still stands at Atlassian until it is revoked: the user who consented revokes it at %s,\n"+
			"and the app can be deleted in the Developer Console at %s.\n", atlassian.RevokeAppsURL, atlassian.DeveloperConsoleURL)
	}
	return nil
}

// deleteFromStore deletes name's grant from its shared store, for every
// host; nothing is deleted here when that fails.
func deleteFromStore(ctx context.Context, root *rootOptions, streams Streams, name string, l sharedLink) error {
	shared, _, err := openShared(ctx, root, streams, l)
	if err != nil {
		return err
	}
	defer shared.Close()
	err = shared.Delete(ctx, l.key(name))
	var claimed *grantstore.ClaimedError
	switch {
	case errors.Is(err, pgstore.ErrNotPermitted):
		return attentionError{fmt.Errorf("%w; nothing was deleted: run this on a host whose shared store address uses the role that owns the authwiz tables (README, \"Many hosts\"), or delete only this host's profile without --from-store", err)}
	case errors.As(err, &claimed):
		return fmt.Errorf("%w; nothing was deleted: try again once the claim has ended", err)
	case errors.Is(err, grantstore.ErrNotFound):
		fmt.Fprintf(streams.Err, "The grant of %q was no longer in %s.\n", name, l.where())
		return nil
	case err != nil:
		return fmt.Errorf("%w; nothing was deleted", err)
	}
	return nil
}

// confirm asks a yes/no question on the terminal; without one it refuses
// rather than guess.
// what names the command in the refusal ("delete").
func confirm(streams Streams, question, what string) (bool, error) {
	if err := canAsk(streams, what); err != nil {
		return false, err
	}
	fmt.Fprint(streams.Err, question)
	answer, err := bufio.NewReader(streams.In.(*os.File)).ReadString('\n')
	if err != nil {
		return false, nil
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y"), nil
}

// canAsk is confirm's refusal without a terminal, for a command to make
// before any work whose output would end in it.
func canAsk(streams Streams, what string) error {
	if f, ok := streams.In.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return nil
	}
	return usageError{fmt.Errorf("not asking without a terminal: add --yes to %s from a script", what)}
}
