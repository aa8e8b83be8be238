package tui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/loopback"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// world is the real consent runner and profile store against the
// in-process Atlassian, with a browser that answers the consent page.
type world struct {
	store   *profile.Store
	browser *atltest.Browser
	app     appValues
	deps    deps
}

func newWorld(t *testing.T, answers ...bool) *world {
	t.Helper()
	atl := atltest.Start(t)
	store, err := profile.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := &atltest.Browser{Answers: answers, Ignore: []string{atlassian.DeveloperConsoleURL}}
	runner := &consent.Runner{Store: store, HTTP: atl.HTTP.Client(), Timeout: 20 * time.Second}
	return &world{
		store:   store,
		browser: b,
		app: appValues{
			clientID: atlserver.SampleClientID, secret: atlserver.SampleClientSecret,
			redirectURL: atl.RedirectURL, authURL: atl.AuthURL(), tokenURL: atl.TokenURL(),
			apiBaseURL: atl.APIBaseURL(),
		},
		deps: deps{
			profiles: store, drafts: store, consent: runner, target: atlassianTarget(),
			clipboard: &clipboard.Fake{}, browser: b, ports: loopback.Ports{}, now: time.Now,
		},
	}
}

// wantVerified checks the saved profile holds working tokens and a site.
func (wd *world) wantVerified(t *testing.T, name string) profile.Profile {
	t.Helper()
	p, sec, err := wd.store.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if sec.AccessToken == "" || sec.RefreshToken == "" || sec.ClientSecret != wd.app.secret {
		t.Fatalf("saved secrets: access token %v, refresh token %v, client secret kept %v",
			sec.AccessToken != "", sec.RefreshToken != "", sec.ClientSecret == wd.app.secret)
	}
	if p.TokensStale || p.Site.CloudID == "" || len(p.Sites) != 2 {
		t.Fatalf("saved profile: stale %v, site %+v, %d sites", p.TokensStale, p.Site, len(p.Sites))
	}
	return p
}

func TestFlowNewProfileAgainstTheAuthorizationServer(t *testing.T) {
	wd := newWorld(t)
	f := startFlow(t, newWizard(wd.deps, nil))
	f.walkNew(wd.app)
	f.press("enter")
	f.waitFor("✓ Saved as")
	f.press("enter")
	f.waitFor("Connected as Ada Admin", "Choose the one commands use by default")
	f.press("down", "enter")
	f.waitFor("Connected as Ada Admin to acme-sandbox")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	p := wd.wantVerified(t, defaultProfileName)
	if p.Site.Name != "acme-sandbox" || p.RedirectURL != wd.app.redirectURL {
		t.Fatalf("default site %q, Redirect URL %q", p.Site.Name, p.RedirectURL)
	}
}

func TestFlowConsentDeniedThenRetried(t *testing.T) {
	wd := newWorld(t, false, true)
	f := startFlow(t, newWizard(wd.deps, nil))
	f.walkNew(wd.app)
	f.press("enter")
	f.waitFor("✓ Saved as")
	f.press("enter")
	f.waitFor("✗ ", "enter to try again")
	if _, sec, err := wd.store.Get(defaultProfileName); err != nil || sec.HasTokens() {
		t.Fatalf("after the denial: err %v, tokens %v; the profile must stay saved without tokens", err, sec.HasTokens())
	}
	f.press("enter")
	f.waitFor("Connected as Ada Admin")
	f.press("down", "enter")
	f.waitFor("Connected as Ada Admin to acme-sandbox")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	wd.wantVerified(t, defaultProfileName)
}

func TestFlowEditAnExistingProfile(t *testing.T) {
	wd := newWorld(t)
	p := profile.Profile{
		Name: "Confluence prod", Type: profile.TypeOAuth2, AppName: atlserver.SampleAppName,
		RedirectURL: wd.app.redirectURL, ClientID: wd.app.clientID, AuthURL: wd.app.authURL,
		TokenURL: wd.app.tokenURL, APIBaseURL: wd.app.apiBaseURL,
		Scopes: []string{"read:confluence-content.all", atlassian.OfflineAccess},
	}
	if err := wd.store.Create(p, profile.Secrets{ClientSecret: wd.app.secret}); err != nil {
		t.Fatal(err)
	}
	saved, sec, err := wd.store.Get(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	f := startFlow(t, newWizard(wd.deps, editDraft(saved, sec)))
	f.addScopeAndSave(" read:confluence-user")
	if p, _, _ := wd.store.Get(p.Name); !p.TokensStale {
		t.Fatal("changing the scopes did not mark the tokens stale")
	}
	f.press("enter")
	f.waitFor("Connected as Ada Admin")
	f.press("enter")
	f.waitFor("Connected as Ada Admin to acme")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	got := wd.wantVerified(t, p.Name)
	if len(got.Scopes) != 3 {
		t.Fatalf("scopes %q", got.Scopes)
	}
}
