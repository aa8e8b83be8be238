package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/setup"
)

type exportOptions struct {
	target
	Output string
}

func newExportCmd(root *rootOptions, streams Streams, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export NAME",
		Short: "Write a profile's settings, never a secret or token, for `authwiz new --from`",
		Long: `export writes the settings of the profile called NAME (name, app name, client
ID, Redirect URL, endpoints and scopes) as a small TOML file, on stdout or to
--output FILE. It never holds the client secret or a token, so it can be handed
to a colleague who uses the same app: they run authwiz new --from FILE, give
the client secret their own way and consent with their own account.`,
		Example: `  authwiz export "Confluence prod" --output confluence-prod.toml
  authwiz new --from confluence-prod.toml`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runExport(root, streams, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this new file instead of stdout")
	addRehearsalFlag(cmd, &opts.Rehearsal)
	return cmd
}

func runExport(root *rootOptions, streams Streams, opts *exportOptions) error {
	_, p, err := openTarget(root, streams, opts.target)
	if err != nil {
		return err
	}
	data := escapeInvisible(setup.WriteSettings(p))
	if opts.Output == "" {
		_, err := streams.Out.Write(data)
		return err
	}
	if err := writeNewFile(opts.Output, data); err != nil {
		return err
	}
	fmt.Fprintf(streams.Err, "Wrote the settings of %q to %s (no secret, no token). Import them with `%s`.\n",
		p.Name, opts.Output, suggest("new --from "+shellWord(opts.Output)))
	return nil
}

// writeNewFile creates path and writes data to it. It never replaces a file
// that exists: a mistyped --output must not overwrite, say, secrets.toml.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists already; choose another file name or remove it first", path)
	}
	if err != nil {
		return fmt.Errorf("cannot create the file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readAtMost reads r up to one byte past limit: enough to tell an input
// that is too long (refused whole, never cut) from one that fits, without
// reading an endless one such as /dev/zero for ever.
func readAtMost(r io.Reader, limit int) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, int64(limit)+1))
}

// readFileAtMost is readAtMost on the file at path.
func readFileAtMost(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAtMost(f, limit)
}

// readSettingsFile reads the settings `authwiz new --from FILE` imports.
func readSettingsFile(path string) (setup.Input, error) {
	data, err := readFileAtMost(path, setup.MaxSettingsFile)
	if err != nil {
		return setup.Input{}, usageError{fmt.Errorf("--from: %w", err)}
	}
	in, err := setup.ReadSettings(data)
	if err != nil {
		return setup.Input{}, usageError{fmt.Errorf("--from %s: %w", path, err)}
	}
	return in, nil
}
