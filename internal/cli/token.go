package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

type tokenOptions struct {
	target
}

func newTokenCmd(root *rootOptions, streams Streams, runF func(context.Context, *tokenOptions) error) *cobra.Command {
	opts := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "token NAME",
		Short: "Print a valid access token, refreshing it when needed",
		Long: `token prints a valid access token for the profile on stdout and nothing else.
When the saved one is about to expire it refreshes it first and saves the new
refresh token Atlassian rotates in, under a lock of that profile that every
authwiz process respects, so many scripts may ask at once and other profiles
never wait. Once the refresh is sent, Ctrl-C and SIGTERM wait until its answer
is saved; --timeout bounds each network call. A profile moved to a shared
store with authwiz share is read from it, and refreshed through it by one host
at a time (see authwiz share --help).

Exit code 3 means the profile needs a new consent: run authwiz login NAME.`,
		Example: `  curl -H "Authorization: Bearer $(authwiz token "OAuth2 confluence Authentication")" \
    https://api.atlassian.com/oauth/token/accessible-resources`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := checkTimeout(root); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runToken(cmd.Context(), root, streams, opts)
		},
	}
	addRehearsalFlag(cmd, &opts.Rehearsal)
	addTimeoutFlag(cmd, root)
	return cmd
}

func runToken(ctx context.Context, root *rootOptions, streams Streams, opts *tokenOptions) error {
	store, p, err := openTarget(root, streams, opts.target)
	if err != nil {
		return err
	}
	// Only real profiles are shared: shared.json never names a rehearsal one.
	if opts.Rehearsal {
		if p, err = followDemo(store, p); err != nil {
			return err
		}
		if err := rehearsalDown(ctx, p); err != nil {
			return tokenFailure(opts.target, err)
		}
	} else if link, shared, err := sharedLinkOf(root, p.Name); err != nil {
		return err
	} else if shared {
		return runSharedToken(ctx, root, streams, p, link)
	}
	src := runnerFor(root, store).TokenSource(p.Name)
	tok, err := src.TokenContext(httpclient.WithSetting(ctx, "the Token URL"))
	if err != nil {
		return tokenFailure(opts.target, err)
	}
	return printToken(streams, opts.target, tok.AccessToken)
}

// printToken prints the access token of t for a script, alone on its
// line. A token is one word of visible characters: one that is not came
// from a hand-edited file, a store or a server that is not Atlassian's, and
// printed raw it could act on the terminal, so it is refused.
func printToken(streams Streams, t target, tok string) error {
	if validate.Sanitize(tok) != tok || strings.ContainsAny(tok, " \t\n") {
		return fmt.Errorf("the access token of %q holds spaces or control characters, so it is not printed: "+
			"a script would send it on as it is. Check the profile's Token URL (`%s`), then run `%s`",
			t.Name, commandFor("show", t), commandFor("login", t))
	}
	_, err := fmt.Fprintln(streams.Out, tok)
	return err
}

// tokenFailure says what a failed token means for t and marks the cases
// the admin must act on.
func tokenFailure(t target, err error) error {
	switch {
	case t.Rehearsal && errors.Is(err, oauthflow.ErrNetwork):
		return attentionError{fmt.Errorf("%q is a rehearsal profile: its tokens work only while `%s` is running", t.Name, suggest("demo"))}
	case errors.Is(err, oauthflow.ErrRefreshRejected), errors.Is(err, oauthflow.ErrNoTokens), errors.Is(err, oauthflow.ErrNoRefreshToken),
		errors.Is(err, oauthflow.ErrClientRejected):
		return attentionError{err}
	}
	return err
}

// rehearsalDown says why a rehearsal profile's server cannot be reached
// (authwiz demo is not running), or nil. A saved token that has not
// expired would still print, but nothing could use it.
func rehearsalDown(ctx context.Context, p profile.Profile) error {
	u, err := url.Parse(p.TokenURL)
	if err != nil {
		return err
	}
	if err := dialBriefly(ctx, u.Host); err != nil {
		return &oauthflow.Error{Kind: oauthflow.ErrNetwork, Err: err}
	}
	return nil
}

// dialBriefly connects to addr on this computer and hangs up: a server
// there answers within a second or not at all.
func dialBriefly(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}
