package oauthflow_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
)

// tokenEndpoint answers every token request with one canned response and
// remembers the requests' forms.
type tokenEndpoint struct {
	*httptest.Server
	mu       sync.Mutex
	forms    []url.Values
	auth     []string
	status   int
	body     string
	jsonType bool
	header   http.Header // sent with every answer; set before the first request
}

func newTokenEndpoint(t *testing.T, status int, body string) *tokenEndpoint {
	te := &tokenEndpoint{status: status, body: body, jsonType: strings.HasPrefix(body, "{")}
	te.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		te.mu.Lock()
		te.forms = append(te.forms, r.PostForm)
		te.auth = append(te.auth, r.Header.Get("Authorization"))
		te.mu.Unlock()
		if te.jsonType {
			w.Header().Set("Content-Type", "application/json")
		}
		for k, v := range te.header {
			w.Header()[k] = v
		}
		w.WriteHeader(te.status)
		w.Write([]byte(te.body))
	}))
	t.Cleanup(te.Close)
	return te
}

func (te *tokenEndpoint) requests() []url.Values {
	te.mu.Lock()
	defer te.mu.Unlock()
	return slices.Clone(te.forms)
}

// exchangeWith runs a session whose token URL is te, answered by a pasted
// callback, and exchanges the code.
func exchangeWith(t *testing.T, te *tokenEndpoint, scopes ...string) (*oauthflow.Session, oauthflow.Grant, error) {
	t.Helper()
	cfg := testConfig(redirectURL(testport.Free(t)))
	cfg.TokenURL = te.URL + "/oauth/token"
	if scopes != nil {
		cfg.Scopes = scopes
	}
	s, cb := answered(t, cfg)
	grant, err := s.Exchange(context.Background(), cb)
	return s, grant, err
}

func TestExchangeSendsTheCodeTheWayAtlassianDocuments(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":3600,"scope":"read:me offline_access"}`)
	s, grant, err := exchangeWith(t, te)
	if err != nil {
		t.Fatal(err)
	}
	if grant.Token.AccessToken != "at" || grant.Token.RefreshToken != "rt" {
		t.Fatalf("token = %+v", grant.Token)
	}
	reqs := te.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d token requests, want 1", len(reqs))
	}
	want := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {"the-code"},
		"redirect_uri":  {s.RedirectURL()},
		"client_id":     {"client-id"},
		"client_secret": {"client-secret"},
	}
	if got := reqs[0]; got.Encode() != want.Encode() {
		t.Errorf("token request form = %v, want %v", got, want)
	}
	if te.auth[0] != "" {
		t.Errorf("client credentials sent in the Authorization header too: %q", te.auth[0])
	}
}

func TestExchangeReportsMissingScopes(t *testing.T) {
	cases := []struct {
		name, body  string
		wantGranted []string
		wantMissing []string
	}{
		{"all granted", `{"access_token":"a","refresh_token":"r","expires_in":3600,"scope":"read:me offline_access write:x"}`,
			[]string{"read:me", "offline_access", "write:x"}, nil},
		{"one missing", `{"access_token":"a","refresh_token":"r","expires_in":3600,"scope":"read:me"}`,
			[]string{"read:me"}, []string{"write:x"}},
		{"no scope field", `{"access_token":"a","refresh_token":"r","expires_in":3600}`,
			[]string{"read:me", "write:x", "offline_access"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			te := newTokenEndpoint(t, 200, c.body)
			_, grant, err := exchangeWith(t, te, "read:me", "write:x", "offline_access")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(grant.Granted, c.wantGranted) || !slices.Equal(grant.Missing, c.wantMissing) {
				t.Errorf("granted %v missing %v, want %v and %v", grant.Granted, grant.Missing, c.wantGranted, c.wantMissing)
			}
		})
	}
}

func TestExchangeFailuresSayWhatToDo(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		kind       error
		mentions   string
	}{
		{"wrong secret (Atlassian)", `{"error":"access_denied","error_description":"Unauthorized"}`, 403, oauthflow.ErrClientRejected, "Client ID and Secret"},
		{"wrong client", `{"error":"invalid_client"}`, 401, oauthflow.ErrClientRejected, "Client ID and Secret"},
		{"used code", `{"error":"invalid_grant","error_description":"Invalid authorization code"}`, 403, oauthflow.ErrCodeRejected, "Callback URL"},
		{"server trouble", `upstream timed out`, 503, oauthflow.ErrServer, "try again"},
		{"not a token endpoint", `<html>not found</html>`, 404, oauthflow.ErrTokenEndpoint, "Token URL"},
		{"no refresh token", `{"access_token":"a","expires_in":3600}`, 200, oauthflow.ErrNoRefreshToken, "offline_access"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			te := newTokenEndpoint(t, c.status, c.body)
			_, _, err := exchangeWith(t, te)
			if !errors.Is(err, c.kind) {
				t.Fatalf("error = %v, want kind %v", err, c.kind)
			}
			if !strings.Contains(err.Error(), c.mentions) {
				t.Errorf("error %q does not mention %q", err, c.mentions)
			}
		})
	}
}

func TestExchangeWhenTheTokenEndpointIsUnreachable(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{}`)
	te.Close()
	_, _, err := exchangeWith(t, te)
	if !errors.Is(err, oauthflow.ErrNetwork) || !strings.Contains(err.Error(), "network") {
		t.Fatalf("error = %v, want ErrNetwork", err)
	}
}
