package oauthflow_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

var requestedScopes = []string{"read:confluence-user", "read:me", "offline_access"}

// world is a strict Atlassian-like server with the sample app registered
// for a Redirect URL on a free loopback port.
type world struct {
	fake *atlserver.Server
	srv  *httptest.Server
	cfg  oauthflow.Config
}

func newWorld(t *testing.T) *world {
	t.Helper()
	atl := atltest.Start(t)
	fake, srv, redirect := atl.Server, atl.HTTP, atl.RedirectURL
	return &world{fake: fake, srv: srv, cfg: oauthflow.Config{
		ClientID:     atlserver.SampleClientID,
		ClientSecret: atlserver.SampleClientSecret,
		AuthURL:      srv.URL + "/authorize",
		TokenURL:     srv.URL + "/oauth/token",
		RedirectURL:  redirect,
		Scopes:       requestedScopes,
		AuthParams:   atlassian.AuthParams(),
	}}
}

func (w *world) begin(t *testing.T, opts ...oauthflow.Option) *oauthflow.Session {
	t.Helper()
	s, err := oauthflow.Begin(context.Background(), w.cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// browse answers the consent page like a person and follows the redirect
// into the session's listener, returning the listener's page.
func browse(t *testing.T, s *oauthflow.Session, allow bool) string {
	t.Helper()
	resp, err := atlserver.FollowConsent(context.Background(), nil, s.AuthURL(), allow)
	if err != nil {
		t.Fatalf("consent in the fake browser: %v", err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return string(page)
}

// consent runs a whole allowed consent and returns the grant.
func (w *world) consent(t *testing.T) oauthflow.Grant {
	t.Helper()
	s := w.begin(t)
	browse(t, s, true)
	cb, err := s.Wait(deadline(t))
	if err != nil {
		t.Fatal(err)
	}
	grant, err := s.Exchange(context.Background(), cb)
	if err != nil {
		t.Fatal(err)
	}
	return grant
}

func TestConsentAgainstStrictServer(t *testing.T) {
	w := newWorld(t)
	s := w.begin(t)
	if page := browse(t, s, true); !strings.Contains(page, "authwiz received the consent") {
		t.Fatalf("the browser ended on:\n%s", page)
	}
	cb, err := s.Wait(deadline(t))
	if err != nil {
		t.Fatal(err)
	}
	grant, err := s.Exchange(context.Background(), cb)
	if err != nil {
		t.Fatal(err)
	}
	if grant.Token.AccessToken == "" || grant.Token.RefreshToken == "" || len(grant.Missing) != 0 {
		t.Fatalf("grant: access %t refresh %t missing %v", grant.Token.AccessToken != "", grant.Token.RefreshToken != "", grant.Missing)
	}
	for _, scope := range []string{"read:confluence-user", "read:me"} {
		if !slices.Contains(grant.Granted, scope) {
			t.Errorf("granted %v lacks %s", grant.Granted, scope)
		}
	}
	sites, err := (&atlassian.Client{BaseURL: w.srv.URL}).AccessibleResources(context.Background(), grant.Token.AccessToken)
	if err != nil || len(sites) == 0 {
		t.Fatalf("the access token does not work: %v, %d sites", err, len(sites))
	}
	if _, err := s.Exchange(context.Background(), cb); !errors.Is(err, oauthflow.ErrCodeRejected) {
		t.Fatalf("second exchange of the code: %v, want ErrCodeRejected", err)
	}
}

func TestUserDeniesOnTheConsentPage(t *testing.T) {
	w := newWorld(t)
	s := w.begin(t)
	browse(t, s, false)
	if _, err := s.Wait(deadline(t)); !errors.Is(err, oauthflow.ErrDenied) {
		t.Fatalf("Wait error = %v, want ErrDenied", err)
	}
}

func TestWrongClientSecret(t *testing.T) {
	w := newWorld(t)
	w.cfg.ClientSecret = "ATOA-not-the-secret"
	s := w.begin(t)
	browse(t, s, true)
	cb, err := s.Wait(deadline(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exchange(context.Background(), cb); !errors.Is(err, oauthflow.ErrClientRejected) {
		t.Fatalf("Exchange error = %v, want ErrClientRejected", err)
	}
}

func TestTokenEndpointTrouble(t *testing.T) {
	w := newWorld(t)
	s := w.begin(t)
	browse(t, s, true)
	cb, err := s.Wait(deadline(t))
	if err != nil {
		t.Fatal(err)
	}
	w.fake.FailNextTokenRequests(http.StatusServiceUnavailable)
	if _, err := s.Exchange(context.Background(), cb); !errors.Is(err, oauthflow.ErrServer) {
		t.Fatalf("Exchange error = %v, want ErrServer", err)
	}
}

// An unregistered Callback URL leaves the browser on Atlassian's error
// page: nothing comes back, and the hint is what helps.
func TestUnregisteredCallbackURLNeverComesBack(t *testing.T) {
	w := newWorld(t)
	w.cfg.RedirectURL = redirectURL(testport.Free(t))
	s := w.begin(t, oauthflow.WithHintAfter(50*time.Millisecond), oauthflow.WithTimeout(300*time.Millisecond))
	_, err := atlserver.FollowConsent(context.Background(), nil, s.AuthURL(), true)
	var refused *atlserver.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.Page, "redirect_uri") {
		t.Fatalf("FollowConsent = %v, want the server's own error page", err)
	}
	if !s.WaitStalled(context.Background()) {
		t.Fatal("no hint")
	}
	if _, err := s.Wait(deadline(t)); !errors.Is(err, oauthflow.ErrTimedOut) {
		t.Fatalf("Wait error = %v, want ErrTimedOut", err)
	}
}

// consentedStore saves a fresh consent's tokens in a profile store, with
// the access token already expired.
func (w *world) consentedStore(t *testing.T) (*profile.Store, profile.Secrets) {
	t.Helper()
	grant := w.consent(t)
	store, err := profile.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sec := profile.Secrets{ClientSecret: w.cfg.ClientSecret, AccessToken: grant.Token.AccessToken,
		RefreshToken: grant.Token.RefreshToken, TokenType: "Bearer", Expiry: time.Now().Add(-time.Minute)}
	p := profile.Profile{Name: "conf", ClientID: w.cfg.ClientID, AuthURL: w.cfg.AuthURL, TokenURL: w.cfg.TokenURL,
		RedirectURL: w.cfg.RedirectURL, APIBaseURL: w.srv.URL, Scopes: w.cfg.Scopes}
	if err := store.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	return store, sec
}

func TestRefreshRotationIsPersisted(t *testing.T) {
	w := newWorld(t)
	store, first := w.consentedStore(t)
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf"}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	saved := savedSecrets(t, store)
	current := w.fake.CurrentRefreshTokens()
	if saved.RefreshToken == first.RefreshToken || !slices.Contains(current, saved.RefreshToken) || slices.Contains(current, first.RefreshToken) {
		t.Fatal("the rotated refresh token was not saved")
	}
	if saved.AccessToken != tok.AccessToken || saved.RefreshIssuedAt.IsZero() {
		t.Fatalf("saved access token differs from the one handed out, or rotation time missing")
	}
	// The next refresh must use the saved, rotated token; the server
	// refuses the old one.
	if err := store.Update("conf", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = time.Now().Add(-time.Minute)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err != nil {
		t.Fatalf("second refresh: %v", err)
	}
	if n := w.fake.Refreshes(); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}
}

func TestReusedRefreshTokenIsRejectedAndKept(t *testing.T) {
	w := newWorld(t)
	store, first := w.consentedStore(t)
	// Another copy of the profile refreshes first, rotating the token this
	// store still holds.
	other, err := profile.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := store.Get("conf")
	if err := other.Create(p, first); err != nil {
		t.Fatal(err)
	}
	if _, err := (&oauthflow.StoredTokenSource{Store: other, Profile: "conf"}).Token(); err != nil {
		t.Fatal(err)
	}

	_, err = (&oauthflow.StoredTokenSource{Store: store, Profile: "conf"}).Token()
	if !errors.Is(err, oauthflow.ErrRefreshRejected) || !strings.Contains(err.Error(), "authwiz login conf") {
		t.Fatalf("error = %v, want ErrRefreshRejected with the way out", err)
	}
	if after := savedSecrets(t, store); !after.Equal(first) {
		t.Fatal("the stored token changed after invalid_grant")
	}
}
