package oauthflow_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
)

func redirectURL(port int) string {
	return "http://localhost:" + strconv.Itoa(port) + "/callback"
}

func testConfig(redirect string) oauthflow.Config {
	return oauthflow.Config{
		ClientID:     "client-id",
		ClientSecret: "client-secret",
		AuthURL:      "https://auth.example.test/authorize",
		TokenURL:     "https://auth.example.test/oauth/token",
		RedirectURL:  redirect,
		Scopes:       []string{"read:me", "offline_access"},
		AuthParams:   map[string]string{"audience": "api.example.test", "prompt": "consent"},
	}
}

// begin starts a session on a free port and closes it when the test ends.
func begin(t *testing.T, opts ...oauthflow.Option) *oauthflow.Session {
	t.Helper()
	s, err := oauthflow.Begin(context.Background(), testConfig(redirectURL(testport.Free(t))), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func stateOf(t *testing.T, s *oauthflow.Session) string {
	t.Helper()
	u, err := url.Parse(s.AuthURL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

// callbackURL is the Redirect URL with query values, as a provider sends it.
func callbackURL(s *oauthflow.Session, values url.Values) string {
	return s.RedirectURL() + "?" + values.Encode()
}

// fetch does a request the way a browser would and returns status and page.
func fetch(t *testing.T, method, target string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// assertStillWaiting fails when the session has already ended.
func assertStillWaiting(t *testing.T, s *oauthflow.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("session ended early: %v", err)
	}
}

// deadline is a context for a wait that should end long before it: a
// wait that never ends fails the test instead of hanging it.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
