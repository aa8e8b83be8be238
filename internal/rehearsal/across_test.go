package rehearsal_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// startKept starts a demo's server on port, keeping its state in dir.
func startKept(t *testing.T, port int, dir string) *rehearsal.Server {
	t.Helper()
	srv, err := rehearsal.Start(port, rehearsal.KeepIn(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// consentOnce runs a consent for profile name, Accept on the page.
func consentOnce(t *testing.T, store *profile.Store, name string) error {
	t.Helper()
	runner := &consent.Runner{Store: store, Timeout: 20 * time.Second}
	a, err := runner.Start(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	browser := &atltest.Browser{}
	browser.Open(a.AuthURL())
	_, err = a.Wait(context.Background())
	if err != nil {
		err = fmt.Errorf("%w (the browser: %v)", err, browser.Errors())
	}
	return err
}

// A rehearsal profile with a Callback URL of its own, made in one demo run,
// works in the next one on another port: its tokens refresh, and a new
// consent comes back to its Callback URL, once its endpoints follow the
// running demo as `authwiz token --rehearsal` and `login --rehearsal` do.
func TestRehearsalProfileWorksAcrossDemoRuns(t *testing.T) {
	dir := t.TempDir()
	store, err := profile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	first := startKept(t, 0, dir)
	custom := fmt.Sprintf("http://localhost:%d/oauth/atlassian/confluence/callback", testport.Free(t))
	if err := first.RegisterCallback(custom); err != nil {
		t.Fatal(err)
	}
	const name = "Demo"
	if err := store.Create(profile.Profile{Name: name, AppName: rehearsal.AppName, ClientID: rehearsal.ClientID,
		RedirectURL: custom, AuthURL: first.AuthURL(), TokenURL: first.TokenURL(), APIBaseURL: first.APIBaseURL(),
		Scopes: []string{"read:confluence-user", "offline_access"}}, profile.Secrets{ClientSecret: rehearsal.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	if err := consentOnce(t, store, name); err != nil {
		t.Fatalf("consent in the first run: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if port, ok := rehearsal.RunningPort(dir); ok {
		t.Fatalf("a closed demo still records port %d", port)
	}

	port := testport.Free(t)
	for port == first.Port() {
		port = testport.Free(t)
	}
	second := startKept(t, port, dir)
	if err := store.Update(name, func(p *profile.Profile, _ *profile.Secrets) error {
		*p = rehearsal.Follow(*p, dir)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p, sec, err := store.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if p.AuthURL != second.AuthURL() || p.TokenURL != second.TokenURL() || p.APIBaseURL != second.APIBaseURL() || p.RedirectURL != custom {
		t.Fatalf("the profile does not follow the demo to port %d: %+v", port, p)
	}
	// A refresh (forced by a margin longer than the token lives) spends
	// the refresh token the first run issued.
	src := &oauthflow.StoredTokenSource{Store: store, Profile: name, Margin: 2 * time.Hour}
	tok, err := src.TokenContext(context.Background())
	if err != nil {
		t.Fatalf("refresh in the second run: %v", err)
	}
	if tok.AccessToken == sec.AccessToken {
		t.Fatal("the token was not refreshed")
	}
	for _, access := range []string{sec.AccessToken, tok.AccessToken} {
		req, _ := http.NewRequest(http.MethodGet, second.APIBaseURL()+"/oauth/token/accessible-resources", nil)
		req.Header.Set("Authorization", "Bearer "+access)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("an access token in the second run: %d", resp.StatusCode)
		}
	}
	if err := consentOnce(t, store, name); err != nil {
		t.Fatalf("a new consent to the profile's own Callback URL in the second run: %v", err)
	}
}
