package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/consent"
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

	Streams   Streams
	OpenStore func() (*profile.Store, error)
	Browser   browser.Opener
	HTTP      *http.Client
	HintAfter time.Duration
}

// newLoginCmd builds the command; runF replaces the run in tests of the
// argument parsing (nil runs for real).
func newLoginCmd(root *rootOptions, streams Streams, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{Streams: streams, Browser: root.opener(), HTTP: root.http}
	opts.OpenStore = func() (*profile.Store, error) { return storeFor(root, streams, opts.Rehearsal) }
	cmd := &cobra.Command{
		Use:   "login NAME",
		Short: "Run the Atlassian consent again for a saved profile",
		Long: `login runs the consent for the saved profile called NAME: it opens Atlassian's
consent page in your browser, waits for the answer, and saves the new tokens
and the sites they reach.

Without a browser here (an SSH session, --no-browser), open the printed link on
any machine, choose Allow, and paste the address the browser ends on (it
starts with the profile's Redirect URL) back here.`,
		Example: `  authwiz login "OAuth2 confluence Authentication"
  authwiz login "OAuth2 confluence Authentication" --no-browser`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.ExactArgs(1)(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		},
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
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", oauthflow.DefaultTimeout, "how long to wait for the consent")
	addRehearsalFlag(cmd, &opts.Rehearsal)
	cmd.Flags().StringVar(&opts.Site, "site", "", "the default site (name, URL or cloud ID) when the consent reaches several, instead of asking")
	return cmd
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	store, err := opts.OpenStore()
	if err != nil {
		return err
	}
	runner := &consent.Runner{Store: store, HTTP: opts.HTTP, Timeout: opts.Timeout, HintAfter: opts.HintAfter}
	return RunConsent(ctx, ConsentSession{
		Runner: runner, Name: opts.Name, Browser: opts.Browser, NoBrowser: opts.NoBrowser,
		In: opts.Streams.In, Out: opts.Streams.Err,
		Command: func(verb, name string) string { return commandFor(verb, target{name, opts.Rehearsal}) },
		Site:    opts.Site,
	})
}

// ConsentSession is a consent run as a conversation on plain lines: the
// link printed, the browser opened, a pasted address accepted, the result
// told, the default site asked for. `authwiz login` and the accessible
// wizard both use it.
type ConsentSession struct {
	Runner    *consent.Runner
	Name      string
	Browser   browser.Opener
	NoBrowser bool
	In        io.Reader // pasted addresses and the site choice
	Out       io.Writer // everything for people
	// Command names the profile in suggested commands; nil uses
	// profile.Command.
	Command func(verb, name string) string
	// Site picks the default site (name, URL or cloud ID) when the grant
	// reaches several, instead of asking.
	Site string
}

// RunConsent runs the consent for s.Name and saves its result.
func RunConsent(ctx context.Context, s ConsentSession) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.Command == nil {
		s.Command = profile.Command
	}
	runner := s.Runner
	attempt, err := runner.Start(ctx, s.Name)
	if err != nil {
		return err
	}
	defer attempt.Close()

	out := s.Out
	fmt.Fprintf(out, "Consent for %q: open this link, review the permissions and choose Allow (Atlassian may label it Accept).\n\n  %s\n\n", s.Name, attempt.AuthURL())
	opened := false
	if !s.NoBrowser && attempt.Listening() {
		if err := s.Browser.Open(attempt.AuthURL()); err != nil {
			fmt.Fprintf(out, "The browser did not open: %v\n", err)
		} else {
			opened = true
			fmt.Fprintln(out, "Opened in your browser.")
		}
	}
	lines := readLines(ctx, s.In)
	if opened {
		fmt.Fprintln(out, "If the browser ends on a page that does not load, paste its address here and press Enter.")
	} else {
		fmt.Fprintf(out, "After you choose Allow the browser goes to an address starting with %s.\n"+
			"If that page does not load here, paste its whole address and press Enter.\n", attempt.RedirectURL())
	}
	fmt.Fprintf(out, "Waiting until %s (Ctrl-C stops).\n", attempt.Deadline().Format("15:04:05"))

	go func() {
		if hint, ok := attempt.Hint(ctx); ok {
			fmt.Fprintln(out, hint)
		}
	}()
	// Pasting ends with the wait, so that the answer to the site question
	// below is not taken for a pasted address.
	pasteCtx, stopPasting := context.WithCancel(ctx)
	pasting := make(chan struct{})
	go func() {
		defer close(pasting)
		forwardPastes(pasteCtx, lines, attempt, out)
	}()

	res, err := attempt.Wait(ctx)
	stopPasting()
	<-pasting
	if err != nil {
		return err
	}
	printResult(out, s.Name, res, s.Command)
	if s.Site != "" {
		return chooseNamedSite(out, runner, s.Name, s.Site, res.Sites)
	}
	if res.Site.CloudID == "" && len(res.Sites) > 1 {
		return chooseSite(ctx, out, lines, runner, s.Name, res.Sites, s.Command)
	}
	return nil
}

// readLines delivers the lines of in until it ends or ctx is done. A nil
// reader delivers nothing.
func readLines(ctx context.Context, in io.Reader) <-chan string {
	lines := make(chan string)
	if in == nil {
		close(lines)
		return lines
	}
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(in)
		for scanner.Scan() {
			select {
			case lines <- scanner.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return lines
}

// forwardPastes hands pasted lines to the attempt until one is accepted.
func forwardPastes(ctx context.Context, lines <-chan string, attempt *consent.Attempt, out io.Writer) {
	for {
		select {
		case <-ctx.Done():
			return
		case line, ok := <-lines:
			if !ok {
				return
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			err := attempt.Paste(line)
			if err == nil {
				return
			}
			fmt.Fprintf(out, "That is not the answer: %v\nPaste again, or wait for the browser.\n", err)
		}
	}
}

func printResult(out io.Writer, name string, res consent.Result, command func(verb, name string) string) {
	who := res.User
	if who == "" {
		who = "your Atlassian account"
	}
	if res.Site.CloudID != "" {
		fmt.Fprintf(out, "\nConnected as %s to %s (%s).\n", who, res.Site.Name, res.Site.URL)
	} else {
		fmt.Fprintf(out, "\nConnected as %s.\n", who)
	}
	if res.Verified != "" {
		fmt.Fprintf(out, "Checked: %s.\n", res.Verified)
	}
	fmt.Fprintf(out, "Sites this authentication reaches:\n")
	for i, s := range res.Sites {
		fmt.Fprintf(out, "  %d. %s  %s  (cloud ID %s)\n", i+1, s.Name, s.URL, s.CloudID)
	}
	requested := len(res.Granted) + len(res.Missing)
	fmt.Fprintf(out, "Scopes granted (%d of %d requested): %s\n", len(res.Granted), requested, strings.Join(res.Granted, " "))
	if len(res.Missing) > 0 {
		fmt.Fprintf(out, "Not granted: %s. Add them to the app under Permissions in the Atlassian Developer Console, then run `%s` again.\n",
			strings.Join(res.Missing, " "), command("login", name))
	}
	if !res.HasRefreshToken {
		fmt.Fprintf(out, "No refresh token came back (offline_access is not among the scopes): the access token stops working within the hour. Add offline_access with `%s` and log in again.\n", command("edit", name))
	}
}

// chooseNamedSite makes the site the command line named the default.
func chooseNamedSite(out io.Writer, runner *consent.Runner, name, want string, sites []profile.Site) error {
	var known []string
	for _, site := range sites {
		for _, id := range []string{site.Name, site.URL, strings.TrimPrefix(site.URL, "https://"), site.CloudID} {
			if strings.EqualFold(id, strings.TrimSpace(want)) {
				if err := runner.ChooseSite(name, site.CloudID); err != nil {
					return fmt.Errorf("save the default site: %w", err)
				}
				fmt.Fprintf(out, "Default site: %s.\n", site.Name)
				return nil
			}
		}
		known = append(known, site.Name)
	}
	return attentionError{fmt.Errorf("the consent reaches no site called %q (it reaches %s); the tokens are saved: choose with `authwiz login` again and --site",
		want, strings.Join(known, ", "))}
}

// chooseSite asks which site becomes the default when the grant reaches
// several and none was chosen before.
func chooseSite(ctx context.Context, out io.Writer, lines <-chan string, runner *consent.Runner, name string, sites []profile.Site, command func(verb, name string) string) error {
	for {
		fmt.Fprintf(out, "Which site should be the default? Enter 1 to %d: ", len(sites))
		var line string
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintf(out, "\nNo default site chosen; run `%s` in a terminal to choose one.\n", command("login", name))
				return nil
			}
			line = l
		}
		n, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil || n < 1 || n > len(sites) {
			fmt.Fprintf(out, "%q is not one of the numbers shown.\n", strings.TrimSpace(line))
			continue
		}
		if err := runner.ChooseSite(name, sites[n-1].CloudID); err != nil {
			return fmt.Errorf("save the default site: %w", err)
		}
		fmt.Fprintf(out, "Default site: %s.\n", sites[n-1].Name)
		return nil
	}
}
