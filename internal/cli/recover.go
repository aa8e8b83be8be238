package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/profile"
)

type recoverOptions struct{ Name string }

func newRecoverCmd(root *rootOptions, streams Streams, runF func(context.Context, *recoverOptions) error) *cobra.Command {
	opts := &recoverOptions{}
	cmd := &cobra.Command{
		Use:   "recover NAME",
		Short: "Save a shared grant's last refresh from this host's journal, after a refresher stopped midway",
		Long: `recover mends a shared grant that status shows as "uncertain": a host refreshed
it, Atlassian rotated the refresh token, and the host stopped before the store
saved the answer. That host keeps the answer, sealed, in its journal: run
recover NAME there and the store gets it, so every host works again without a
new consent. On a host without the answer it says so and changes nothing.

Exit code 3 means there was nothing to recover here.`,
		Example:           `  authwiz recover "Confluence prod"`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRecover(cmd.Context(), root, streams, opts)
		},
	}
	return cmd
}

func runRecover(ctx context.Context, root *rootOptions, streams Streams, opts *recoverOptions) error {
	_, p, err := openTarget(root, streams, target{Name: opts.Name})
	if err != nil {
		return err
	}
	link, ok, err := sharedLinkOf(root, p.Name)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("profile %q is not shared: its grant is on this host, and `%s` mends it", p.Name, profile.Command("token", p.Name))
	}
	src, closeStore, err := sharedSource(ctx, root, streams, p, link)
	if err != nil {
		return err
	}
	defer closeStore()
	tok, err := src.Recover(ctx)
	if err != nil {
		return sharedFailure(err, p, link)
	}
	fmt.Fprintf(streams.Err, "Recovered %q from this host's journal: the store holds generation %d, usable by every host again.\n", p.Name, tok.Generation)
	return nil
}
