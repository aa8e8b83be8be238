package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// loginOptions is `authwiz login`: the parsed command line and the
// adapters the run uses, replaceable in tests.
type loginOptions struct {
	Name      string
	Rehearsal bool
	NoBrowser bool
	Site      string
	Timeout   time.Duration
	Reshare   bool

	Streams Streams
	// Open finds the profile called Name and the store that holds it.
	Open      func() (*profile.Store, profile.Profile, error)
	Browser   browser.Opener
	HTTP      *http.Client
	HintAfter time.Duration
	// Link finds where a profile's grant lives when it is shared.
	Link func(name string) (sharedLink, bool, error)
	// Reshare opens the shared store of a profile before its consent, so
	// a store that cannot be reached stops it before, not after, the
	// consent; the returned push puts the new grant into it.
	OpenReshare func(ctx context.Context, name string, l sharedLink) (push func(context.Context, *profile.Store) error, done func(), err error)
}

// newLoginCmd builds the command; runF replaces the run in tests of the
// argument parsing (nil runs for real).
func newLoginCmd(root *rootOptions, streams Streams, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{Streams: streams, Browser: root.opener(), HTTP: root.httpClient()}
	opts.Open = func() (*profile.Store, profile.Profile, error) {
		return openTarget(root, streams, target{opts.Name, opts.Rehearsal})
	}
	opts.Link = func(name string) (sharedLink, bool, error) { return sharedLinkOf(root, name) }
	opts.OpenReshare = func(ctx context.Context, name string, l sharedLink) (func(context.Context, *profile.Store) error, func(), error) {
		return openReshare(ctx, root, streams, name, l)
	}
	cmd := &cobra.Command{
		Use:   "login NAME",
		Short: "Run the Atlassian consent again for a saved profile",
		Long: `login runs the consent for the saved profile called NAME: it opens Atlassian's
consent page in your browser, waits for the answer, and saves the new tokens
and the sites they reach.

Without a browser here (an SSH session, --no-browser), open the printed link on
any machine, choose Accept, and paste the address the browser ends on (it
starts with the profile's Redirect URL) back here.

A profile shared with authwiz share keeps its grant in the shared store, so
login refuses it: a consent here would make a grant on this host that no
other host uses. --reshare consents again and puts the new grant into the
store, sealed to the hosts this host's share listed, for every host.`,
		Example: `  authwiz login "OAuth2 confluence Authentication"
  authwiz login "OAuth2 confluence Authentication" --no-browser
  authwiz login "Confluence prod" --reshare`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if opts.Timeout <= 0 {
				return usageError{fmt.Errorf("--timeout must be positive, like 5m")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogin(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the link instead of opening a browser, and read the pasted answer")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", oauthflow.DefaultTimeout,
		"how long to wait for the consent (each network call after it waits at most 30s)")
	addRehearsalFlag(cmd, &opts.Rehearsal)
	cmd.Flags().BoolVar(&opts.Reshare, "reshare", false, "of a shared profile: consent again and put the new grant into the shared store")
	cmd.Flags().StringVar(&opts.Site, "site", "", "the default site (name, URL or cloud ID) when the consent reaches several, instead of asking")
	return cmd
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	store, p, err := opts.Open()
	if err != nil {
		return err
	}
	if opts.Rehearsal {
		if p, err = followDemo(store, p); err != nil {
			return err
		}
		// Without the demo the consent page would never load, and the
		// wait for it would last the whole --timeout.
		if err := rehearsalDown(ctx, p); err != nil {
			return attentionError{fmt.Errorf("%q is a rehearsal profile: its consent runs against `%s`, which is not running; start it, then run this again",
				p.Name, suggest("demo"))}
		}
	}
	link, shared := sharedLink{}, false
	if !opts.Rehearsal && opts.Link != nil {
		if link, shared, err = opts.Link(p.Name); err != nil {
			return err
		}
	}
	switch {
	case opts.Reshare && !shared:
		return usageError{fmt.Errorf("--reshare is for shared profiles: the grant of %q is on this host; `%s` consents again", p.Name, profile.Command("login", p.Name))}
	case shared && !opts.Reshare:
		return usageError{fmt.Errorf("the grant of %q lives in the shared store %s, so a consent here would make a grant on this host that no other host uses; "+
			"to consent again and put the new grant into the store, run `%s`", p.Name, link.where(), grantstore.ReshareCommand(p.Name))}
	case shared && link.Consumer:
		return usageError{fmt.Errorf("this host only reads the shared grant of %q, so it cannot seal a new refresh token for the others: run `%s` on a refresher host",
			p.Name, grantstore.ReshareCommand(p.Name))}
	}
	var push func(context.Context, *profile.Store) error
	if shared {
		var done func()
		if push, done, err = opts.OpenReshare(ctx, p.Name, link); err != nil {
			return fmt.Errorf("%w; no consent was started", err)
		}
		defer done()
	}
	runner := &consent.Runner{Store: store, HTTP: opts.HTTP, Timeout: opts.Timeout, HintAfter: opts.HintAfter}
	err = converse(ctx, consent.Conversation{
		Consents: runner, Name: p.Name, Browser: opts.Browser, NoBrowser: opts.NoBrowser,
		In: opts.Streams.In, Out: opts.Streams.Err,
		Command: func(verb, name string) string { return commandFor(verb, target{name, opts.Rehearsal}) },
		Site:    opts.Site, Timeout: opts.Timeout,
	})
	if err != nil || !shared {
		return err
	}
	return push(ctx, store)
}

// converse holds the consent conversation; a site the command line named
// that the grant does not reach needs the admin (exit 3).
func converse(ctx context.Context, c consent.Conversation) error {
	err := c.Run(ctx)
	if errors.Is(err, consent.ErrUnknownSite) {
		return attentionError{err}
	}
	return err
}
