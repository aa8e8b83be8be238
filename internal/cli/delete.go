package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/atlassian"
)

type deleteOptions struct {
	target
	Yes bool
}

func newDeleteCmd(root *rootOptions, streams Streams, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{}
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile with its secrets (the grant at Atlassian stays until revoked)",
		Long: `delete removes the profile, its client secret and its tokens from this
computer. It asks first unless --yes is given.

The consent given to the app still stands at Atlassian: the user who consented
revokes it at ` + atlassian.RevokeAppsURL + `, and the app itself can be
deleted in the Developer Console, ` + atlassian.DeveloperConsoleURL + `.`,
		Example: `  authwiz delete "OAuth2 confluence Authentication"
  authwiz delete --yes --rehearsal "OAuth2 confluence Authentication"`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDelete(root, streams, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	addRehearsalFlag(cmd, &opts.Rehearsal)
	return cmd
}

func runDelete(root *rootOptions, streams Streams, opts *deleteOptions) error {
	store, p, err := openTarget(root, streams, opts.target)
	if err != nil {
		return err
	}
	if !opts.Yes {
		ok, err := confirm(streams, fmt.Sprintf("Delete %q with its client secret and tokens? [y/N] ", p.Name), "delete")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(streams.Err, "Nothing deleted.")
			return nil
		}
	}
	if err := store.Delete(p.Name); err != nil {
		return err
	}
	fmt.Fprintf(streams.Err, "Deleted %q from this computer.\n", p.Name)
	if !opts.Rehearsal && (p.Tokens.HasAccess || p.Tokens.HasRefresh) {
		fmt.Fprintf(streams.Err, "The consent still stands at Atlassian until it is revoked: the user who consented revokes it at %s,\n"+
			"and the app can be deleted in the Developer Console at %s.\n", atlassian.RevokeAppsURL, atlassian.DeveloperConsoleURL)
	}
	return nil
}

// confirm asks a yes/no question on the terminal; without one it refuses
// rather than guess.
// what names the command in the refusal ("delete").
func confirm(streams Streams, question, what string) (bool, error) {
	f, ok := streams.In.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return false, usageError{fmt.Errorf("not asking without a terminal: add --yes to %s from a script", what)}
	}
	fmt.Fprint(streams.Err, question)
	answer, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return false, nil
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y"), nil
}
