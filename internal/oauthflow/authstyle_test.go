package oauthflow_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// strictClientAuth is a token endpoint that takes the client's credentials
// one way only, as servers registered for client_secret_basic or
// client_secret_post do, and refuses the other way with invalid_client.
type strictClientAuth struct {
	*httptest.Server
	basic bool // true: HTTP Basic only; false: the form body only

	mu    sync.Mutex
	tried []string // "basic" or "body", per request
}

func newStrictClientAuth(t *testing.T, basic bool) *strictClientAuth {
	t.Helper()
	s := &strictClientAuth{basic: basic}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *strictClientAuth) serve(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret, viaBasic := r.BasicAuth()
	way := oauthflow.AuthStyleBasic
	if !viaBasic {
		id, secret, way = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), oauthflow.AuthStyleBody
	}
	s.mu.Lock()
	s.tried = append(s.tried, way)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if viaBasic != s.basic || id != "client-id" || secret != "client-secret" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"invalid_client","error_description":"Client authentication failed"}`))
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + way, "refresh_token": "rt-" + way, "token_type": "Bearer", "expires_in": 3600})
}

func (s *strictClientAuth) ways() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tried...)
}

func (s *strictClientAuth) reset() {
	s.mu.Lock()
	s.tried = nil
	s.mu.Unlock()
}

func TestClientAuthenticationStyleIsFoundAndRemembered(t *testing.T) {
	for _, c := range []struct {
		name      string
		basic     bool
		want      string
		firstWays []string // the exchange's requests
	}{
		{"server takes HTTP Basic only", true, oauthflow.AuthStyleBasic, []string{"body", "basic"}},
		{"server takes the body only", false, oauthflow.AuthStyleBody, []string{"body"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newStrictClientAuth(t, c.basic)
			s, cb := answeredSession(t, srv.URL+"/oauth/token")
			grant, err := s.Exchange(context.Background(), cb)
			if err != nil {
				t.Fatal(err)
			}
			if grant.TokenAuthStyle != c.want || grant.Token.AccessToken != "at-"+c.want {
				t.Fatalf("style %q, token %q; want %q", grant.TokenAuthStyle, grant.Token.AccessToken, c.want)
			}
			if got := srv.ways(); !slices.Equal(got, c.firstWays) {
				t.Errorf("exchange sent the credentials %v, want %v", got, c.firstWays)
			}

			// A profile saved before the style was known finds it on its
			// first refresh, and keeps it.
			srv.reset()
			store := storeWith(t, srv.URL+"/oauth/token", profile.Secrets{ClientSecret: "client-secret", AccessToken: "old",
				RefreshToken: "r1", Expiry: clock.Add(-time.Minute)})
			if tok, err := source(store).Token(); err != nil || tok.AccessToken != "at-"+c.want {
				t.Fatalf("first refresh: %v, %v", tok, err)
			}
			if p, _, _ := store.Get("conf"); p.TokenAuthStyle != c.want {
				t.Fatalf("remembered style %q, want %q", p.TokenAuthStyle, c.want)
			}
			// The next refresh sends the credentials that way at once.
			expire(t, store)
			srv.reset()
			if tok, err := source(store).Token(); err != nil || tok.AccessToken != "at-"+c.want {
				t.Fatalf("second refresh: %v, %v", tok, err)
			}
			if got := srv.ways(); !slices.Equal(got, []string{c.want}) {
				t.Errorf("second refresh sent the credentials %v, want only %s", got, c.want)
			}
		})
	}
}

// Atlassian takes the credentials in the body only: a refusal is
// reported as it came, never hidden behind a second try with HTTP Basic.
func TestAtlassianKeepsTheCredentialsInTheBody(t *testing.T) {
	srv := newStrictClientAuth(t, true)
	target, _ := url.Parse(srv.URL)
	toTest := &http.Client{Transport: rewriteHost{target: target.Host}}
	s, cb := answeredSession(t, "https://auth.atlassian.com/oauth/token", oauthflow.WithHTTPClient(toTest))
	if _, err := s.Exchange(context.Background(), cb); err == nil {
		t.Fatal("the test server took credentials it refuses")
	}
	if got := srv.ways(); !slices.Equal(got, []string{"body"}) {
		t.Errorf("Atlassian's token endpoint got the credentials %v, want only in the body", got)
	}

	srv.reset()
	store := storeWith(t, "https://auth.atlassian.com/oauth/token", profile.Secrets{ClientSecret: "client-secret", AccessToken: "old",
		RefreshToken: "r1", Expiry: clock.Add(-time.Minute)})
	src := source(store)
	src.HTTP = toTest
	if _, err := src.Token(); err == nil {
		t.Fatal("the refresh succeeded with credentials the server refuses")
	}
	if got := srv.ways(); !slices.Equal(got, []string{"body"}) {
		t.Errorf("Atlassian's token endpoint got the refresh credentials %v, want only in the body", got)
	}
}

// rewriteHost sends every request to target over plain HTTP, standing in
// for a host the test cannot reach.
type rewriteHost struct{ target string }

func (rw rewriteHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = "http", rw.target
	return http.DefaultTransport.RoundTrip(r)
}

func expire(t *testing.T, store *profile.Store) {
	t.Helper()
	if err := store.Update("conf", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = clock.Add(-time.Minute)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
