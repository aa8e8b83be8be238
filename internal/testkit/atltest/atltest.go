// Package atltest sets up the Atlassian stand-in for tests across
// packages: a strict server with an app registered for a Redirect URL on a
// free loopback port, and a browser that answers its consent page.
package atltest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
)

// RedirectURL is a Redirect URL on a loopback port nobody listens on.
func RedirectURL(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("http://localhost:%d/callback", testport.Free(t))
}

// Atlassian is the stand-in serving over HTTP for one test.
type Atlassian struct {
	*atlserver.Server
	HTTP        *httptest.Server
	RedirectURL string
}

// Start serves the stand-in with the sample app registered for a fresh
// Redirect URL; adjust, when given, changes the configuration first.
func Start(t testing.TB, adjust ...func(cfg *atlserver.Config)) *Atlassian {
	t.Helper()
	redirect := RedirectURL(t)
	cfg := atlserver.Sample(redirect)
	for _, a := range adjust {
		a(&cfg)
	}
	fake := atlserver.New(cfg)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &Atlassian{Server: fake, HTTP: srv, RedirectURL: redirect}
}

// AuthURL, TokenURL and APIBaseURL are the stand-in's endpoints.
func (a *Atlassian) AuthURL() string    { return a.HTTP.URL + "/authorize" }
func (a *Atlassian) TokenURL() string   { return a.HTTP.URL + "/oauth/token" }
func (a *Atlassian) APIBaseURL() string { return a.HTTP.URL }

// Browser answers every consent page it is sent to, in the background,
// with the next of Answers (true: Accept, false: Cancel; Accept when they
// run out) and follows the redirect into the waiting listener. Any other
// page opens silently.
type Browser struct {
	Answers []bool
	// Ignore lists addresses that are not consent pages (the Developer
	// Console).
	Ignore []string

	mu   sync.Mutex
	errs []error
}

// Open answers url's consent page, as a person would, in the background.
func (b *Browser) Open(url string) error {
	b.mu.Lock()
	for _, skip := range b.Ignore {
		if url == skip {
			b.mu.Unlock()
			return nil
		}
	}
	allow := true
	if len(b.Answers) > 0 {
		allow, b.Answers = b.Answers[0], b.Answers[1:]
	}
	b.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		resp, err := atlserver.FollowConsent(ctx, &http.Client{}, url, allow)
		if resp != nil {
			resp.Body.Close()
		}
		b.mu.Lock()
		b.errs = append(b.errs, err)
		b.mu.Unlock()
	}()
	return nil
}

// Errors are what following each consent page ended with.
func (b *Browser) Errors() []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]error(nil), b.errs...)
}
