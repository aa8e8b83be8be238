package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/rehearsal"
)

func newDemoCmd(root *rootOptions, streams Streams, wizard launch.Wizard) *cobra.Command {
	port := rehearsal.DefaultPort
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Rehearse the whole guide against a built-in stand-in for Atlassian",
		Long: `demo runs the wizard against a rehearsal server on this computer that behaves
like Atlassian's (the same checks, a consent page with Accept and Cancel, two
sample sites), so you can walk all twelve steps and see a consent complete
before you have an Atlassian app.

It prints the Client ID and Secret of the rehearsal app; type them at step 9
as you would your own app's. Rehearsal profiles are kept apart from real ones
and marked as such; their tokens work only while authwiz demo runs.`,
		Example: "  authwiz demo\n  authwiz demo --port 47700",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, root, streams, wizard, port, false)
		},
	}
	cmd.Flags().IntVar(&port, "port", port, "the port the rehearsal server listens on")
	return cmd
}

// runDemo runs the wizard against a rehearsal server on port; backToStart
// when it was chosen on the real start screen, which opens again after it.
func runDemo(cmd *cobra.Command, root *rootOptions, streams Streams, wizard launch.Wizard, port int, backToStart bool) error {
	store, err := openRehearsalStore(root, streams)
	if err != nil {
		return err
	}
	srv, err := rehearsal.Start(port, rehearsal.KeepIn(store.Dir()))
	if err != nil {
		return err
	}
	defer func() {
		// The server's grants could not be kept for the next run: say so
		// now, or the next run's refresh fails without a clue.
		if err := srv.Close(); err != nil {
			warn(streams, err.Error())
		}
	}()
	// Profiles made while a demo ran on another port follow this one, so
	// the start screen's re-authentication reaches this server.
	list, err := store.List()
	if err != nil {
		return err
	}
	for _, p := range list {
		if _, err := followDemo(store, p); err != nil {
			warn(streams, err.Error())
		}
	}
	fmt.Fprintf(streams.Err, "Rehearsal server on %s. The rehearsal app's credentials (type them at step 9):\n"+
		"  Client ID      %s\n  Client secret  %s\n", srv.BaseURL(), rehearsal.ClientID, rehearsal.ClientSecret)
	return wizard(cmd.Context(), wired(launch.Request{
		Mode: launch.Start,
		Rehearsal: &launch.Rehearsal{
			AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), APIBaseURL: srv.APIBaseURL(),
			ClientID: rehearsal.ClientID, ClientSecret: rehearsal.ClientSecret,
			RegisterCallback: srv.RegisterCallback,
			BackToStart:      backToStart,
			TunnelCommand: func(redirectURL string) string {
				return rehearsal.TunnelCommand(os.Getenv, srv.Port(), redirectURL)
			},
		},
	}, root, streams, store))
}
