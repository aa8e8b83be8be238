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
must use the new name. A profile shared with authwiz share keeps its grant:
the grant keeps its name in the shared store, where the other hosts find it.
NEW follows the wizard's rules for names, and names
are compared without regard to case. A name this host still keeps a shared
record of is refused: authwiz unshare --forget NEW drops that record.`,
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
	link, shared := sharedLink{}, false
	if !opts.Rehearsal {
		if link, shared, err = sharedLinkOf(root, p.Name); err != nil {
			return err
		}
		// Another profile's record left under the new name would make
		// this one use that shared grant, or be overwritten by its own.
		if !nameMatches(r.Value, p.Name) {
			if err := sharedNameTaken(root, r.Value); err != nil {
				return usageError{fmt.Errorf("the new name: %w", err)}
			}
		}
	}
	if err := store.Rename(p.Name, r.Value); err != nil {
		return err
	}
	if shared {
		if err := moveLink(root, p.Name, r.Value); err != nil {
			// Under the new name without its link the profile would read
			// as needing consent, and a consent there would make a grant
			// no other host uses: the old name comes back.
			if undo := store.Rename(r.Value, p.Name); undo != nil {
				return fmt.Errorf("rename %q: the record that its grant is shared could not follow (%w), and the profile is now called %q without it (%w): run `%s`",
					p.Name, err, r.Value, undo, profile.Command("rename", r.Value)+" "+profile.QuoteName(p.Name))
			}
			return fmt.Errorf("rename %q: the record that its grant is shared could not follow, so nothing was renamed: %w", p.Name, err)
		}
	}
	fmt.Fprintf(streams.Err, "Renamed %q to %q.\n", p.Name, r.Value)
	if shared {
		fmt.Fprintf(streams.Err, "Its grant keeps the name %q in %s, where the other hosts find it.\n", link.key(p.Name), link.where())
	}
	return nil
}
