package consent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// Opener opens a web page in the admin's browser.
type Opener interface {
	Open(url string) error
}

// Conversation is a consent run on plain lines: the link printed, the
// browser opened, a pasted address accepted, the result told, the default
// site asked for. `authwiz login`, `authwiz new --no-input --login` and
// the accessible wizard all hold this one conversation.
type Conversation struct {
	Consents  Starter
	Name      string
	Browser   Opener
	NoBrowser bool
	// In gives pasted addresses and the site choice. Make it an *Input
	// shared with what reads after the conversation, so that nothing
	// typed ahead for it is lost.
	In  io.Reader
	Out io.Writer // everything for people
	// Command names the profile in suggested commands; nil uses
	// profile.Command.
	Command func(verb, name string) string
	// Site picks the default site (name, URL or cloud ID) when the grant
	// reaches several, instead of asking.
	Site string
	// Timeout bounds each question after the consent (0: the consent's
	// own default wait, oauthflow.DefaultTimeout); callers pass their
	// --timeout. Unanswered, a question keeps what is known and says how
	// to change it. Where In is a file but not a terminal, nothing is
	// asked at all.
	Timeout time.Duration
}

// ErrUnknownSite: the site asked for with Site is not one the grant reaches.
var ErrUnknownSite = errors.New("the consent reaches no such site")

// Run runs the consent for c.Name and saves its result.
func (c Conversation) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if c.Command == nil {
		c.Command = profile.Command
	}
	attempt, err := c.Consents.Begin(ctx, c.Name)
	if err != nil {
		return err
	}
	defer attempt.Close()

	// The hint that the wait looks stuck is said from a goroutine of its
	// own, beside the answers to pastes.
	c.Out = &lockedWriter{w: c.Out}
	out := c.Out
	fmt.Fprintf(out, "Consent for %q: open this link, choose the site, review the permissions and choose Accept.\n\n  %s\n\n", c.Name, attempt.AuthURL())
	opened := false
	if !c.NoBrowser && attempt.Listening() {
		if err := c.Browser.Open(attempt.AuthURL()); err != nil {
			fmt.Fprintf(out, "The browser did not open: %v\n", err)
		} else {
			opened = true
			fmt.Fprintln(out, "Opened in your browser.")
		}
	}
	in := inputOf(c.In)
	if opened {
		fmt.Fprintln(out, "If the browser ends on a page that does not load, paste its address here and press Enter.")
	} else {
		fmt.Fprintf(out, "After you choose Accept the browser goes to an address starting with %s.\n"+
			"If that page does not load here, paste its whole address and press Enter.\n", attempt.RedirectURL())
	}
	fmt.Fprintf(out, "Waiting until %s (Ctrl-C stops).\n", attempt.Deadline().Format("15:04:05"))

	hintCtx, stopHint := context.WithCancel(ctx)
	hinted := make(chan struct{})
	go func() {
		defer close(hinted)
		if hint, ok := attempt.Hint(hintCtx); ok {
			fmt.Fprintln(out, validate.Sanitize(hint))
		}
	}()
	// Pasting ends with the wait, so that the answer to the site question
	// below is not taken for a pasted address.
	pasteCtx, stopPasting := context.WithCancel(ctx)
	pasting := make(chan struct{})
	go func() {
		defer close(pasting)
		c.forwardPastes(pasteCtx, in, attempt)
	}()

	res, err := attempt.Wait(ctx)
	stopPasting()
	stopHint()
	<-pasting
	<-hinted
	if err != nil {
		return err
	}
	printResult(out, c.Name, res, c.Command)
	if c.Site != "" {
		return c.chooseNamedSite(res.Sites)
	}
	if res.Site.CloudID == "" && len(res.Sites) > 1 {
		return c.chooseSite(ctx, in, res.Sites)
	}
	return nil
}

// burstGap is how soon after a line the next one must come to be part
// of the same paste. A paste arrives at once, a line at a time from a
// terminal; nobody types a second line this fast.
const burstGap = 150 * time.Millisecond

// forwardPastes hands pasted text to the attempt until it is accepted.
// A line is offered on its own as soon as it comes, so a pasted address
// ends the wait at once. A refused line and the lines that follow it in
// the same paste (a page's words) are judged together, with one answer;
// an address among them is still taken.
func (c Conversation) forwardPastes(ctx context.Context, in *Input, attempt Flow) {
	for {
		first, err := in.line(ctx)
		if err != nil {
			return
		}
		if first.tooLong {
			fmt.Fprintf(c.Out, "That line is too long (over %d KiB) to be the address the browser was sent to: "+
				"paste only that address, from the browser's address bar. Paste again, or wait for the browser.\n", maxLine>>10)
			continue
		}
		if strings.TrimSpace(first.text) == "" {
			continue
		}
		refused := attempt.Paste(first.text)
		if refused == nil {
			return
		}
		rest, accepted := restOfPaste(ctx, in, attempt)
		// An accepted address ends the wait, and with it ctx, at once:
		// the refusal of the lines before it is still said below.
		if ctx.Err() != nil && !accepted {
			return
		}
		// Once an address in the paste was the answer, the attempt is
		// over: the lines before it are not offered again (they would be
		// refused as too late, or diagnosed as a page that stopped a
		// consent that went on), and the first one's refusal is said.
		if len(rest) > 0 && !accepted {
			if refused = attempt.Paste(strings.Join(append([]string{first.text}, rest...), "\n")); refused == nil {
				return
			}
		}
		c.sayRefused(refused)
		if accepted {
			return
		}
	}
}

// restOfPaste reads the lines that follow within burstGap of each other,
// leaving out blank and over-long ones. A line that may be an address is
// offered on its own; accepted, it ends the paste and is not returned.
func restOfPaste(ctx context.Context, in *Input, attempt Flow) (rest []string, accepted bool) {
	for {
		soon, cancel := context.WithTimeout(ctx, burstGap)
		l, err := in.line(soon)
		cancel()
		switch {
		case err != nil:
			return rest, false
		case l.tooLong || strings.TrimSpace(l.text) == "":
			continue
		case strings.ContainsAny(l.text, "?=") && attempt.Paste(l.text) == nil:
			return rest, true
		}
		rest = append(rest, l.text)
	}
}

// sayRefused tells why a paste is not the answer and what to do.
func (c Conversation) sayRefused(err error) {
	var diagnosed *DiagnosedError
	if errors.As(err, &diagnosed) {
		fmt.Fprintf(c.Out, "%s\nOnce it is fixed, stop this wait with Ctrl-C and run `%s` again.\n",
			validate.Sanitize(err.Error()), c.Command("login", c.Name))
		return
	}
	fmt.Fprintf(c.Out, "That is not the answer: %s\nPaste again, or wait for the browser.\n", validate.Sanitize(err.Error()))
}

// printResult tells what the consent reached. Everything the server sent
// (names, addresses, the check) is stripped of terminal control sequences
// first: a server that is not Atlassian's may send anything.
func printResult(out io.Writer, name string, res Result, command func(verb, name string) string) {
	clean := validate.Sanitize
	who := clean(res.User)
	if who == "" {
		who = "your Atlassian account"
	}
	if res.Site.CloudID != "" {
		fmt.Fprintf(out, "\nConnected as %s to %s (%s).\n", who, clean(res.Site.Name), clean(res.Site.URL))
	} else {
		fmt.Fprintf(out, "\nConnected as %s.\n", who)
	}
	if res.Verified != "" {
		fmt.Fprintf(out, "Checked: %s.\n", clean(res.Verified))
	}
	fmt.Fprintf(out, "Sites this authentication reaches:\n")
	for i, s := range res.Sites {
		fmt.Fprintf(out, "  %d. %s  %s  (cloud ID %s)\n", i+1, clean(s.Name), clean(s.URL), clean(s.CloudID))
	}
	requested := len(res.Granted) + len(res.Missing)
	fmt.Fprintf(out, "Scopes granted (%d of %d requested): %s\n", len(res.Granted), requested, clean(strings.Join(res.Granted, " ")))
	if len(res.Missing) > 0 {
		fmt.Fprintf(out, "Not granted: %s. Add them to the app under Permissions in the Atlassian Developer Console, then run `%s` again.\n",
			clean(strings.Join(res.Missing, " ")), command("login", name))
	}
	if !res.HasRefreshToken {
		fmt.Fprintf(out, "No refresh token came back (offline_access is not among the scopes): the access token stops working within the hour. Add offline_access with `%s` and log in again.\n", command("edit", name))
	}
}

// chooseNamedSite makes the site named by c.Site the default.
func (c Conversation) chooseNamedSite(sites []profile.Site) error {
	var known []string
	for _, site := range sites {
		for _, id := range []string{site.Name, site.URL, strings.TrimPrefix(site.URL, "https://"), site.CloudID} {
			if strings.EqualFold(id, strings.TrimSpace(c.Site)) {
				return c.setDefault(site, "")
			}
		}
		known = append(known, validate.Sanitize(site.Name))
	}
	return fmt.Errorf("%w called %q (it reaches %s); the tokens are saved: choose with `%s --site SITE`",
		ErrUnknownSite, c.Site, strings.Join(known, ", "), c.Command("login", c.Name))
}

// chooseSite asks which site becomes the default when the grant reaches
// several and none was chosen before. Where nobody can answer, or nobody
// does in time, the first site is kept.
func (c Conversation) chooseSite(ctx context.Context, in *Input, sites []profile.Site) error {
	if !askable(c.In) {
		return c.keepFirstSite(sites, "the input is not a terminal, so nobody was asked")
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = oauthflow.DefaultTimeout
	}
	answerBy, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		fmt.Fprintf(c.Out, "Which site should be the default? Enter 1 to %d: ", len(sites))
		l, err := in.line(answerBy)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintln(c.Out)
			return c.keepFirstSite(sites, fmt.Sprintf("no answer came within %s", timeout))
		case err != nil:
			fmt.Fprintln(c.Out)
			return c.keepFirstSite(sites, "the input ended")
		}
		answer := strings.TrimSpace(l.text)
		n, err := strconv.Atoi(answer)
		if err != nil || n < 1 || n > len(sites) {
			fmt.Fprintf(c.Out, "%q is not one of the numbers shown.\n", validate.Sanitize(clip(answer)))
			continue
		}
		return c.setDefault(sites[n-1], "")
	}
}

// keepFirstSite makes the first site the default when no one chose, and
// says how to choose another.
func (c Conversation) keepFirstSite(sites []profile.Site, why string) error {
	return c.setDefault(sites[0], fmt.Sprintf(" (the first; %s). To make another of the sites above the default, run `%s --site SITE` "+
		"with its name, address or cloud ID", why, c.Command("login", c.Name)))
}

// setDefault saves site as the default and says so, with note after its name.
func (c Conversation) setDefault(site profile.Site, note string) error {
	if err := c.Consents.ChooseSite(c.Name, site.CloudID); err != nil {
		return fmt.Errorf("save the default site: %w", err)
	}
	fmt.Fprintf(c.Out, "Default site: %s%s.\n", validate.Sanitize(site.Name), note)
	return nil
}

// clip shortens what is repeated back from the input.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// lockedWriter lets the conversation's goroutines share a writer that
// need not be safe for concurrent use, a line at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
