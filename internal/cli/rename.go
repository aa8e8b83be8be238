package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

type renameOptions struct {
	target
	NewName string
}

func newRenameCmd(root *rootOptions, streams Streams, runF func(context.Context, *renameOptions) error) *cobra.Command {
	opts := &renameOptions{}
	cmd := &cobra.Command{
		Use:   "rename OLD NEW",
		Short: "Give a profile a new name, keeping everything else",
		Long: `rename gives the profile called OLD the name NEW. Its settings, secrets,
tokens and default site stay as they are, and so does the consent at
Atlassian: nothing needs to be done again. Scripts that call authwiz token OLD
must use the new name. NEW follows the wizard's rules for names, and names
are compared without regard to case.`,
		Example:           `  authwiz rename "OAuth2 confluence Authentication" "Confluence production"`,
		Args:              usageArgs(cobra.ExactArgs(2)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.NewName = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRename(root, streams, opts)
		},
	}
	addRehearsalFlag(cmd, &opts.Rehearsal)
	return cmd
}

func runRename(root *rootOptions, streams Streams, opts *renameOptions) error {
	store, p, err := openTarget(root, streams, opts.target)
	if err != nil {
		return err
	}
	list, err := store.List()
	if err != nil {
		return err
	}
	r := validate.ProfileName(opts.NewName, profile.Names(list), p.Name)
	if r.Err != nil {
		return usageError{fmt.Errorf("the new name: %s", r.Err.Message)}
	}
	if err := store.Rename(p.Name, r.Value); err != nil {
		return err
	}
	fmt.Fprintf(streams.Err, "Renamed %q to %q.\n", p.Name, r.Value)
	return nil
}
