package consent_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit"
)

// visibleText is what an admin copies from a page: its words without the
// markup.
func visibleText(page string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " "))
}

// errorPages are the ways the rehearsal's Atlassian stops a consent on an
// error page, as Atlassian does, each made by changing the profile or the
// server before the consent starts.
var errorPages = []struct {
	name  string
	setUp func(t *testing.T, e *env)
	want  atlassian.Problem
	fix   string // words the fix must hold
}{
	{"scopes not added", func(t *testing.T, e *env) {
		e.update(t, func(p *profile.Profile) { p.Scopes = append(p.Scopes, "write:made-up:confluence") })
	}, atlassian.ProblemScopesNotAdded, "tick write:made-up:confluence"},
	{"site admin must authorize", func(t *testing.T, e *env) {
		if err := e.fake.SetSiteAdminMustAuthorize("acme", true); err != nil {
			t.Fatal(err)
		}
	}, atlassian.ProblemSiteAdminMustApprove, "Ask a site admin of acme.atlassian.net"},
	{"redirect_uri mismatch", func(t *testing.T, e *env) {
		e.update(t, func(p *profile.Profile) { p.RedirectURL += "/" })
	}, atlassian.ProblemRedirectNotRegistered, "set the Callback URL to exactly"},
	{"unknown client_id", func(t *testing.T, e *env) {
		e.update(t, func(p *profile.Profile) { p.ClientID = "RehearseWithAuthwizPracticeApp4" })
	}, atlassian.ProblemUnknownClient, "Copy the Client ID again"},
}

func (e *env) update(t *testing.T, change func(p *profile.Profile)) {
	t.Helper()
	if err := e.store.Update(e.name, func(p *profile.Profile, _ *profile.Secrets) error { change(p); return nil }); err != nil {
		t.Fatal(err)
	}
}

// stopOnErrorPage starts a consent whose browser stops on an Atlassian
// error page, and returns the page.
func (e *env) stopOnErrorPage(t *testing.T) (*consent.Attempt, *atlserver.RefusedError) {
	t.Helper()
	a, err := e.runner.Start(deadline(t), e.name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	_, err = atlserver.FollowConsent(deadline(t), &http.Client{}, a.AuthURL(), true)
	var refused *atlserver.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("the browser did not stop on an error page: %v", err)
	}
	return a, refused
}

// The admin pastes the address of the error page the browser stopped on,
// or its words: the paste says the cause and its fix, and the wait goes
// on.
func TestPastedErrorPagesAreDiagnosed(t *testing.T) {
	for _, tc := range errorPages {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tc.setUp(t, e)
			a, page := e.stopOnErrorPage(t)
			for what, pasted := range map[string]string{"address": page.URL, "words": visibleText(page.Page)} {
				err := a.Paste(pasted)
				var d *consent.DiagnosedError
				if !errors.As(err, &d) || d.Problem != tc.want || !strings.Contains(err.Error(), tc.fix) {
					t.Errorf("pasted the page's %s: %v", what, err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if _, err := a.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a diagnosed paste ended the wait: %v", err)
			}
		})
	}
}

// Cancel on the consent page sends the browser back with
// error=access_denied: pasted, that address ends the consent with the
// button to choose next time.
func TestPastedCancelSaysToChooseAccept(t *testing.T) {
	e := newEnv(t)
	a, err := e.runner.Start(deadline(t), e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	resp, err := atlserver.FollowConsent(deadline(t), testkit.NoRedirects(), a.AuthURL(), false)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := a.Paste(resp.Header.Get("Location")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Wait(deadline(t)); !errors.Is(err, oauthflow.ErrDenied) || !strings.Contains(err.Error(), "choose Accept") {
		t.Fatalf("Wait = %v", err)
	}
}

// A browser sent back with an error Atlassian describes gets the same
// diagnosis as the page.
func TestAnErrorTheBrowserCameBackWithIsDiagnosed(t *testing.T) {
	e := newEnv(t)
	a, err := e.runner.Start(deadline(t), e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	auth, _ := url.Parse(a.AuthURL())
	back := url.Values{"state": {auth.Query().Get("state")}, "error": {"invalid_scope"},
		"error_description": {"This app has requested scopes that have not been added to the app"}}
	if err := a.Paste(a.RedirectURL() + "?" + back.Encode()); err != nil {
		t.Fatal(err)
	}
	_, err = a.Wait(deadline(t))
	var d *consent.DiagnosedError
	if !errors.As(err, &d) || d.Problem != atlassian.ProblemScopesNotAdded || !errors.Is(err, oauthflow.ErrAuthorization) {
		t.Fatalf("Wait = %v", err)
	}
}

// pastingBrowser is an admin whose browser is elsewhere: it stops on the
// page Atlassian shows and the admin pastes that page's address, or with
// words set the page's words, one line at a time as a terminal passes
// them on.
type pastingBrowser struct {
	paste io.Writer
	errs  chan error
	words bool
}

func (b pastingBrowser) Open(authURL string) error {
	go func() {
		// The page's words are on the page its address leads to.
		client := testkit.NoRedirects()
		if b.words {
			client = &http.Client{}
		}
		_, err := atlserver.FollowConsent(context.Background(), client, authURL, true)
		var refused *atlserver.RefusedError
		if !errors.As(err, &refused) {
			b.errs <- fmt.Errorf("the browser did not stop on an error page: %v", err)
			return
		}
		if !b.words {
			_, err = fmt.Fprintln(b.paste, refused.URL)
			b.errs <- err
			return
		}
		for l := range strings.Lines(visibleText(refused.Page)) {
			if _, err := io.WriteString(b.paste, l); err != nil {
				b.errs <- err
				return
			}
		}
		b.errs <- nil
	}()
	return nil
}

// `authwiz login` end to end: the pasted error page's fix is printed with
// how to start again.
func TestConversationDiagnosesAPastedErrorPage(t *testing.T) {
	out := converseOnErrorPage(t, false)
	for _, want := range []string{"Atlassian stopped the consent", "tick write:made-up:confluence", "`authwiz login \"OAuth2 confluence Authentication\"` again"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A page's words pasted at a terminal arrive a line at a time: they are
// one paste, diagnosed once, and no line of them is called a wrong answer.
func TestConversationDiagnosesAPastedPageOnce(t *testing.T) {
	out := converseOnErrorPage(t, true)
	if n := strings.Count(out, "Atlassian stopped the consent"); n != 1 || strings.Contains(out, "That is not the answer") {
		t.Fatalf("%d diagnoses, output:\n%s", n, out)
	}
	if !strings.Contains(out, "tick write:made-up:confluence") {
		t.Fatalf("the fix is missing:\n%s", out)
	}
}

// converseOnErrorPage holds `authwiz login` with a browser that stops on
// the page for scopes not added to the app, and the admin pasting its
// address or its words; it returns what was printed.
func converseOnErrorPage(t *testing.T, words bool) string {
	t.Helper()
	e := newEnv(t)
	errorPages[0].setUp(t, e)
	in, paste := io.Pipe()
	t.Cleanup(func() { paste.Close() })
	browser := pastingBrowser{paste: paste, errs: make(chan error, 1), words: words}
	out := &testkit.Buffer{}
	ctx, cancel := context.WithCancel(deadline(t))
	done := make(chan error, 1)
	go func() {
		done <- consent.Conversation{Consents: e.runner, Name: e.name, Browser: browser, In: in, Out: out}.Run(ctx)
	}()
	if err := <-browser.errs; err != nil {
		t.Fatal(err)
	}
	out.WaitFor(t, "stop this wait with Ctrl-C")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	return out.String()
}
