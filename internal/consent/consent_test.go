package consent_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// clock is a settable time shared by the server and authwiz.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type env struct {
	fake   *atlserver.Server
	server *httptest.Server
	store  *profile.Store
	runner *consent.Runner
	clock  *clock
	name   string
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"read:confluence-user", "read:me", atlassian.OfflineAccess}
	}
	c := &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	atl := atltest.Start(t, func(cfg *atlserver.Config) { cfg.Now = c.Now })
	fake, server, redirect := atl.Server, atl.HTTP, atl.RedirectURL
	store, err := profile.Open(t.TempDir(), profile.WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{fake: fake, server: server, store: store, clock: c, name: "OAuth2 confluence Authentication"}
	err = store.Create(profile.Profile{
		Name: e.name, RedirectURL: redirect, ClientID: atlserver.SampleClientID,
		AuthURL: server.URL + "/authorize", TokenURL: server.URL + "/oauth/token", APIBaseURL: server.URL,
		Scopes: scopes,
	}, profile.Secrets{ClientSecret: atlserver.SampleClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	e.runner = &consent.Runner{Store: store, HTTP: server.Client(), Now: c.Now, Timeout: 20 * time.Second}
	return e
}

// consent runs one consent with a fake browser choosing allow or deny. A
// browser that cannot finish fails the test at once with its reason,
// rather than leaving the consent to wait for an answer that never comes.
func (e *env) consent(t *testing.T, allow bool) (consent.Result, error) {
	t.Helper()
	ctx := deadline(t)
	a, err := e.runner.Start(ctx, e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	resp, err := atlserver.FollowConsent(ctx, &http.Client{}, a.AuthURL(), allow)
	if err != nil {
		t.Fatalf("the browser could not finish the consent: %v", err)
	}
	resp.Body.Close()
	return a.Wait(ctx)
}

// deadline is a context for a wait that should end long before it: a
// wait that never ends fails the test instead of hanging it.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestConsentSavesTokensAndSites(t *testing.T) {
	e := newEnv(t)
	res, err := e.consent(t, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sites) != 2 || res.Site.CloudID != "" {
		t.Errorf("two sites and no default chosen yet: %+v", res)
	}
	if !res.HasRefreshToken || len(res.Missing) != 0 || res.User != "Ada Admin" || !strings.Contains(res.Verified, "Ada Admin") {
		t.Errorf("result: %+v", res)
	}
	p, sec, err := e.store.Get(e.name)
	if err != nil {
		t.Fatal(err)
	}
	if sec.AccessToken == "" || sec.RefreshToken == "" || !sec.RefreshIssuedAt.Equal(e.clock.Now()) || len(p.Sites) != 2 {
		t.Errorf("saved: sites %d, refresh issued %v", len(p.Sites), sec.RefreshIssuedAt)
	}
	// Atlassian's 365-day limit and the access token's lifetime count
	// from the consent; the stand-in, not being Atlassian's host, has its
	// client authentication style found and kept.
	if now := e.clock.Now(); !sec.ConsentedAt.Equal(now) || !sec.AccessIssuedAt.Equal(now) || p.TokenAuthStyle != oauthflow.AuthStyleBody {
		t.Errorf("saved: consented %v, access issued %v, style %q", sec.ConsentedAt, sec.AccessIssuedAt, p.TokenAuthStyle)
	}
	if err := e.runner.ChooseSite(e.name, p.Sites[1].CloudID); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := e.store.Get(e.name); p.Site.Name != "acme-sandbox" {
		t.Errorf("chosen site: %+v", p.Site)
	}
	// A second consent keeps the earlier choice.
	res, err = e.consent(t, true)
	if err != nil || res.Site.Name != "acme-sandbox" {
		t.Errorf("the default site survives a new consent: %+v %v", res.Site, err)
	}
}

func TestDeniedThenRetried(t *testing.T) {
	e := newEnv(t)
	if _, err := e.consent(t, false); !errors.Is(err, oauthflow.ErrDenied) {
		t.Fatalf("denied: %v", err)
	}
	if _, sec, _ := e.store.Get(e.name); sec.HasTokens() {
		t.Fatal("a denied consent saves no tokens")
	}
	if _, err := e.consent(t, true); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

func TestWrongClientSecret(t *testing.T) {
	e := newEnv(t)
	if err := e.store.Update(e.name, func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.ClientSecret = "ATOAwrong"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err := e.consent(t, true)
	if !errors.Is(err, oauthflow.ErrClientRejected) || !strings.Contains(err.Error(), "Developer Console") {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestRefreshRotationIsPersisted(t *testing.T) {
	e := newEnv(t)
	if _, err := e.consent(t, true); err != nil {
		t.Fatal(err)
	}
	_, before, _ := e.store.Get(e.name)
	e.clock.Advance(2 * time.Hour)
	tok, err := e.runner.TokenSource(e.name).Token()
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := e.store.Get(e.name)
	if tok.AccessToken == before.AccessToken || after.AccessToken != tok.AccessToken {
		t.Error("the refreshed access token is handed out and saved")
	}
	if after.RefreshToken == before.RefreshToken || !after.RefreshIssuedAt.Equal(e.clock.Now()) {
		t.Error("the rotated refresh token is saved with its time")
	}
	if cur := e.fake.CurrentRefreshTokens(); len(cur) != 1 || cur[0] != after.RefreshToken {
		t.Errorf("the store holds the server's current refresh token")
	}
	// The access token works.
	if _, err := (&atlassian.Client{BaseURL: e.server.URL}).AccessibleResources(context.Background(), tok.AccessToken); err != nil {
		t.Errorf("refreshed token refused: %v", err)
	}
}

func TestPortBusyNamesThePort(t *testing.T) {
	e := newEnv(t)
	p, _, _ := e.store.Get(e.name)
	port := strings.TrimSuffix(strings.TrimPrefix(p.RedirectURL, "http://localhost:"), "/callback")
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Skip("cannot hold the port for the test")
	}
	defer ln.Close()
	_, err = e.runner.Start(context.Background(), e.name)
	if !errors.Is(err, oauthflow.ErrPortBusy) || !strings.Contains(err.Error(), port) {
		t.Fatalf("port busy: %v", err)
	}
}

// A consent without offline_access still starts the grant's 365 days and
// forgets a refusal remembered of the previous grant's refresh token.
func TestConsentWithoutARefreshTokenRecordsItsTime(t *testing.T) {
	e := newEnv(t, "read:confluence-user", "read:me")
	// Two saves: a new refresh token clears what was remembered of the old.
	for _, change := range []func(sec *profile.Secrets){
		func(sec *profile.Secrets) { sec.RefreshToken = "old" },
		func(sec *profile.Secrets) {
			sec.RefreshFailure, sec.RefreshFailedAt = profile.RefreshRejected, e.clock.Now()
		},
	} {
		if err := e.store.Update(e.name, func(_ *profile.Profile, sec *profile.Secrets) error { change(sec); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(time.Hour)
	if _, err := e.consent(t, true); err != nil {
		t.Fatal(err)
	}
	_, sec, _ := e.store.Get(e.name)
	if now := e.clock.Now(); !sec.ConsentedAt.Equal(now) || sec.RefreshToken != "" || sec.RefreshFailure != "" {
		t.Errorf("saved: consented %v (want %v), refresh token kept %t, failure %q", sec.ConsentedAt, now, sec.RefreshToken != "", sec.RefreshFailure)
	}
}
