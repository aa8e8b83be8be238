package cli

import (
	"context"
	"errors"
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
	if errors.Is(err, profile.ErrNotFound) && !opts.Rehearsal {
		if finished, err := finishRename(root, streams, opts.Name, opts.NewName); finished || err != nil {
			return err
		}
	}
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
		if err := renameTargetFree(root, p.Name, r.Value, link, shared); err != nil {
			return err
		}
	}
	if shared {
		if err := copyLink(root, p.Name, r.Value); err != nil {
			return fmt.Errorf("rename %q: the record that its grant is shared could not follow, so nothing was renamed: %w", p.Name, err)
		}
		midway("rename: record copied")
	}
	if err := store.Rename(p.Name, r.Value); err != nil {
		if shared {
			if undo := dropCopy(root, r.Value); undo != nil {
				return fmt.Errorf("%w; %s also records its shared grant under %q now (%w): run this rename again, or `%s`",
					err, sharedFileName, r.Value, undo, forgetCommand(r.Value))
			}
		}
		return err
	}
	if shared {
		midway("rename: profile renamed")
		if err := settleRename(root, p.Name, r.Value); err != nil {
			return fmt.Errorf("renamed %q to %q, but %s still records its shared grant under the old name too (%w): run `%s` to finish",
				p.Name, r.Value, sharedFileName, err, renameCommand(p.Name, r.Value))
		}
	}
	fmt.Fprintf(streams.Err, "Renamed %q to %q.\n", p.Name, r.Value)
	if shared {
		fmt.Fprintf(streams.Err, "Its grant keeps the name %q in %s, where the other hosts find it.\n", link.key(p.Name), link.where())
	}
	return nil
}

// renameTargetFree refuses a new name this host keeps another shared
// record under: the profile renamed would use that record's grant, or
// overwrite it with its own. The copy of old's own record a rename that
// stopped midway left is no such record: this rename finishes it.
func renameTargetFree(root *rootOptions, old, renamed string, l sharedLink, shared bool) error {
	if nameMatches(renamed, old) {
		return nil
	}
	taken, ok, err := sharedLinkOf(root, renamed)
	switch {
	case err != nil || !ok:
		return err
	case shared && taken.copiedFrom(old) && taken.sameGrant(renamed, l, old):
		return nil
	}
	return usageError{fmt.Errorf("the new name: %w", sharedNameRefused(root, renamed, taken))}
}

// finishRename ends a rename of a shared profile from old to renamed that
// stopped after the profile was renamed, when only the record under the
// old name was left to drop; finished is false when there is no such
// rename to finish.
func finishRename(root *rootOptions, streams Streams, old, renamed string) (finished bool, err error) {
	l, ok, err := sharedLinkOf(root, renamed)
	if err != nil || !ok || !l.copiedFrom(old) {
		return false, err
	}
	store, err := openStore(root, streams)
	if err != nil {
		return false, err
	}
	p, _, err := store.Get(renamed)
	if errors.Is(err, profile.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := settleRename(root, l.RenamedFrom, p.Name); err != nil {
		return true, fmt.Errorf("finish renaming %q to %q: %w", l.RenamedFrom, p.Name, err)
	}
	fmt.Fprintf(streams.Err, "Finished renaming %q to %q: the record of its shared grant under the old name is gone.\n", l.RenamedFrom, p.Name)
	return true, nil
}

// finishRenameOf is finishRename for whatever name the profile old was
// renamed to.
func finishRenameOf(root *rootOptions, streams Streams, old string) (finished bool, err error) {
	dir, err := configDir(root)
	if err != nil {
		return false, err
	}
	links, err := loadShared(dir)
	if err != nil {
		return false, err
	}
	from, to, ok := renameLeft(links, old)
	if !ok || from != old {
		return false, nil
	}
	return finishRename(root, streams, old, to)
}

// renameCommand renames the profile old to renamed.
func renameCommand(old, renamed string) string {
	return profile.Command("rename", old) + " " + profile.QuoteName(renamed)
}
