package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newRestoreCmd(root *rootOptions, streams Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "restore",
		Short: "Put back the last good copy of a profile file authwiz cannot read",
		Long: `restore replaces profiles.toml or secrets.toml, when authwiz cannot read
it, with the copy authwiz kept before its last change (profiles.toml.bak,
secrets.toml.bak). The damaged file is kept beside it, renamed, so nothing
is lost. Files that read fine are left alone.`,
		Example: "  authwiz restore",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := openStore(root, streams)
			if err != nil {
				return err
			}
			res, err := store.Restore()
			for _, path := range res.Files {
				fmt.Fprintf(streams.Err, "Restored %s from its backup; the damaged file is kept as %s\n", path, res.KeptAs[path])
			}
			if err != nil {
				return err
			}
			if len(res.Files) == 0 {
				fmt.Fprintln(streams.Err, "Nothing to restore: every profile file reads fine.")
			}
			return nil
		},
	}
}
