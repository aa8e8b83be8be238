package oauthflow_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

var clock = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// storeWith saves one profile whose token endpoint is tokenURL.
func storeWith(t *testing.T, tokenURL string, sec profile.Secrets) *profile.Store {
	t.Helper()
	store, err := profile.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "conf", ClientID: "client-id", AuthURL: "https://auth.example.test/authorize",
		TokenURL: tokenURL, RedirectURL: "http://localhost:8765/callback", Scopes: []string{"read:me", "offline_access"}}
	if err := store.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	return store
}

func savedSecrets(t *testing.T, store *profile.Store) profile.Secrets {
	t.Helper()
	_, sec, err := store.Get("conf")
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

func source(store *profile.Store) *oauthflow.StoredTokenSource {
	return &oauthflow.StoredTokenSource{Store: store, Profile: "conf", Now: func() time.Time { return clock }}
}

func TestValidSavedTokenIsUsedAsIs(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{"access_token":"new"}`)
	store := storeWith(t, te.URL, profile.Secrets{ClientSecret: "s", AccessToken: "saved", RefreshToken: "r", Expiry: clock.Add(time.Hour)})
	tok, err := source(store).Token()
	if err != nil || tok.AccessToken != "saved" {
		t.Fatalf("Token = %v, %v; want the saved one", tok, err)
	}
	if n := len(te.requests()); n != 0 {
		t.Fatalf("%d refreshes of a valid token", n)
	}
}

func TestTokenCloseToExpiryIsRefreshedAndSavedFirst(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{"access_token":"fresh","refresh_token":"r2","token_type":"Bearer","expires_in":3600,"scope":"read:me"}`)
	issued := clock.Add(-24 * time.Hour)
	store := storeWith(t, te.URL, profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1",
		Expiry: clock.Add(time.Minute), RefreshIssuedAt: issued})
	tok, err := source(store).Token()
	if err != nil || tok.AccessToken != "fresh" {
		t.Fatalf("Token = %v, %v", tok, err)
	}
	form := te.requests()[0]
	if form.Get("grant_type") != "refresh_token" || form.Get("refresh_token") != "r1" ||
		form.Get("client_id") != "client-id" || form.Get("client_secret") != "s" {
		t.Errorf("refresh request form = %v", form)
	}
	sec := savedSecrets(t, store)
	if sec.AccessToken != "fresh" || sec.RefreshToken != "r2" || !sec.Expiry.Equal(clock.Add(time.Hour)) ||
		!sec.RefreshIssuedAt.Equal(clock) || strings.Join(sec.GrantedScopes, " ") != "read:me" {
		t.Errorf("saved after refresh: access %q refresh %q expiry %v issued %v scopes %v",
			sec.AccessToken, sec.RefreshToken, sec.Expiry, sec.RefreshIssuedAt, sec.GrantedScopes)
	}
}

func TestRefreshWithoutANewRefreshTokenKeepsTheOldOne(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{"access_token":"fresh","expires_in":3600}`)
	issued := clock.Add(-24 * time.Hour)
	store := storeWith(t, te.URL, profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1",
		Expiry: clock.Add(-time.Minute), RefreshIssuedAt: issued})
	if _, err := source(store).Token(); err != nil {
		t.Fatal(err)
	}
	sec := savedSecrets(t, store)
	if sec.RefreshToken != "r1" || !sec.RefreshIssuedAt.Equal(issued) || sec.AccessToken != "fresh" {
		t.Fatalf("saved refresh %q issued %v access %q", sec.RefreshToken, sec.RefreshIssuedAt, sec.AccessToken)
	}
}

func TestRejectedRefreshTokenIsKeptAndRemembered(t *testing.T) {
	te := newTokenEndpoint(t, 403, `{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}`)
	before := profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1", Expiry: clock.Add(-time.Minute)}
	store := storeWith(t, te.URL, before)
	_, err := source(store).Token()
	if !errors.Is(err, oauthflow.ErrRefreshRejected) || !strings.Contains(err.Error(), "`authwiz login conf`") {
		t.Fatalf("error = %v, want ErrRefreshRejected telling to run authwiz login conf", err)
	}
	assertCausesInAtlassiansOrder(t, err.Error())
	if after := savedSecrets(t, store); !after.Equal(before) {
		t.Fatal("the stored token changed after a rejected refresh")
	}
	list, _ := store.List()
	if h, state := list[0].TokenState(clock); h != profile.NeedsConsent || state != "needs consent (refresh token rejected)" {
		t.Errorf("listed as %q after the rejection", state)
	}
	// The server is not asked again about a token it refused.
	if _, err := source(store).Token(); !errors.Is(err, oauthflow.ErrRefreshRejected) {
		t.Errorf("second call: %v", err)
	}
	if n := len(te.requests()); n != 1 {
		t.Errorf("%d requests for a refused refresh token", n)
	}
}

// The dates saved point to the likely cause when there is one.
func TestRejectionNamesTheLikelyCause(t *testing.T) {
	te := newTokenEndpoint(t, 403, `{"error":"invalid_grant"}`)
	store := storeWith(t, te.URL, profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1",
		Expiry: clock.Add(-time.Minute), RefreshIssuedAt: clock.Add(-100 * 24 * time.Hour)})
	if _, err := source(store).Token(); err == nil || !strings.Contains(err.Error(), "over 90 days ago") {
		t.Errorf("error = %v, want the 90 days named first", err)
	}
}

// A token that lives two minutes keeps a quarter of its life as margin,
// so callers in between share it instead of each refreshing (and each
// refresh revoking what the last one handed out).
func TestShortLivedTokensAreShared(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{"access_token":"fresh","refresh_token":"r2","expires_in":120}`)
	store := storeWith(t, te.URL, profile.Secrets{ClientSecret: "s", RefreshToken: "r1", AccessToken: "old", Expiry: clock.Add(-time.Minute)})
	now := clock
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf", Now: func() time.Time { return now }}
	for _, step := range []struct {
		at       time.Duration
		requests int
	}{{0, 1}, {time.Minute, 1}, {89 * time.Second, 1}, {91 * time.Second, 2}} {
		now = clock.Add(step.at)
		if _, err := src.Token(); err != nil {
			t.Fatal(err)
		}
		if n := len(te.requests()); n != step.requests {
			t.Errorf("%s after the refresh: %d requests, want %d", step.at, n, step.requests)
		}
	}
}

// An answer without expires_in is taken to be short-lived, not eternal.
func TestAnswerWithoutExpiryIsShortLived(t *testing.T) {
	te := newTokenEndpoint(t, 200, `{"access_token":"fresh","refresh_token":"r2"}`)
	store := storeWith(t, te.URL, profile.Secrets{ClientSecret: "s", RefreshToken: "r1", Expiry: clock.Add(-time.Minute)})
	if _, err := source(store).Token(); err != nil {
		t.Fatal(err)
	}
	if sec := savedSecrets(t, store); !sec.Expiry.Equal(clock.Add(oauthflow.UnknownLifetime)) {
		t.Errorf("saved expiry %v, want %s from now", sec.Expiry, oauthflow.UnknownLifetime)
	}
}

func TestNothingToRefresh(t *testing.T) {
	cases := map[string]profile.Secrets{
		"never consented":     {ClientSecret: "s"},
		"expired, no refresh": {ClientSecret: "s", AccessToken: "old", Expiry: clock.Add(-time.Minute)},
	}
	for name, sec := range cases {
		t.Run(name, func(t *testing.T) {
			store := storeWith(t, "http://127.0.0.1:1/token", sec)
			_, err := source(store).Token()
			if !errors.Is(err, oauthflow.ErrNoTokens) || !strings.Contains(err.Error(), "authwiz login conf") {
				t.Fatalf("error = %v", err)
			}
		})
	}
}

// assertCausesInAtlassiansOrder checks a rejected refresh token's message
// lists Atlassian's causes, in the order its documentation gives them.
func assertCausesInAtlassiansOrder(t *testing.T, msg string) {
	t.Helper()
	at := 0
	for _, cause := range []string{"password of the account that consented was changed", "unused for 90 days",
		"365 days after the consent", "access was revoked", "used again after a refresh had replaced it"} {
		i := strings.Index(msg[at:], cause)
		if i < 0 {
			t.Errorf("the message does not say %q after what comes before it:\n%s", cause, msg)
			return
		}
		at += i + len(cause)
	}
}

// A refresh that could not even connect spent nothing: it is not called
// a request that may have reached the server.
func TestRefreshThatNeverConnectedSpentNothing(t *testing.T) {
	store := storeWith(t, "http://127.0.0.1:1/oauth/token", profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1",
		Expiry: clock.Add(-time.Minute)})
	_, err := source(store).Token()
	if !errors.Is(err, oauthflow.ErrNetwork) || strings.Contains(err.Error(), "may have reached the server") {
		t.Fatalf("Token = %v", err)
	}
	if sec := savedSecrets(t, store); sec.RefreshToken != "r1" {
		t.Errorf("the refresh token was dropped: %q", sec.RefreshToken)
	}
}
