package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
)

// saveWithSecrets saves a profile of the world's app with the given
// secrets, as if earlier runs had left them.
func (w *world) saveWithSecrets(name string, sec profile.Secrets) {
	w.t.Helper()
	store, err := profile.Open(w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	sec.ClientSecret = testClientSecret
	err = store.Create(profile.Profile{
		Name: name, ClientID: testClientID, RedirectURL: w.redirect,
		AuthURL: w.server.URL + "/authorize", TokenURL: w.server.URL + "/oauth/token", APIBaseURL: w.server.URL,
		Scopes: []string{"read:confluence-user", "offline_access"}, SecretStorage: profile.StorageFile,
	}, sec)
	if err != nil {
		w.t.Fatal(err)
	}
}

func TestStatusRemembersAFailedRefresh(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	for name, failure := range map[string]string{"rejected": profile.RefreshRejected, "interrupted": profile.RefreshInterrupted} {
		w.saveWithSecrets(name, profile.Secrets{
			AccessToken: "at", RefreshToken: "rt", Expiry: now.Add(-time.Hour), // a time already past
			RefreshIssuedAt: now.Add(-2 * time.Hour), ConsentedAt: now.Add(-2 * time.Hour),
			RefreshFailure: failure, RefreshFailedAt: now.Add(-time.Hour),
		})
	}
	failedAt := when(now.Add(-time.Hour))

	r := w.run("", nil, "status", "--offline")
	if r.code != ExitAttention {
		t.Errorf("status exit %d", r.code)
	}
	for _, want := range []string{"refresh token rejected) since " + failedAt, "refresh interrupted) since " + failedAt} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status does not say %q:\n%s", want, r.stdout)
		}
	}
	r2 := w.run("", nil, "list")
	for _, out := range []string{r.stdout, r2.stdout} {
		if strings.Contains(out, "valid") || strings.Contains(out, "access token until") {
			t.Errorf("a refused grant reads as valid:\n%s", out)
		}
	}
	if !strings.Contains(r2.stdout, "refresh interrupted) since "+failedAt) {
		t.Errorf("list does not say when the refresh was interrupted:\n%s", r2.stdout)
	}

	r = w.run("", nil, "status", "--offline", "--json", "interrupted")
	var got []profileStatus
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	tok := got[0].Token
	if tok.Health != "needs_consent" || tok.RefreshFailure != profile.RefreshInterrupted || tok.RefreshFailedAt == nil || !got[0].NeedsAttention {
		t.Errorf("status --json of an interrupted refresh: %+v", got[0])
	}
}

func TestStatusWarnsAheadOfBothLimits(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	w.saveWithSecrets("ageing", profile.Secrets{
		AccessToken: "at", RefreshToken: "rt", Expiry: now.Add(-time.Minute),
		RefreshIssuedAt: now.Add(-85 * 24 * time.Hour), ConsentedAt: now.Add(-360 * 24 * time.Hour),
	})
	r := w.run("", nil, "status", "--offline", "ageing")
	if r.code != 0 {
		t.Errorf("a grant near its limits still works: exit %d\n%s", r.code, r.stdout)
	}
	unused, grant := day(now.Add(5*24*time.Hour)), day(now.Add(5*24*time.Hour))
	for _, want := range []string{
		"valid; access token expired, renewed on the next use",
		"warning   the refresh token ends on " + unused + " unless it is used: any `authwiz token ageing` before then renews it",
		"warning   the grant ends on " + grant + ", 365 days after its consent",
		"consent given " + day(now.Add(-360*24*time.Hour)),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status does not say %q:\n%s", want, r.stdout)
		}
	}
	r = w.run("", nil, "status", "--offline", "--json", "ageing")
	var got []profileStatus
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if len(got[0].Warnings) != 2 || got[0].GrantEndsAt == nil || got[0].NeedsAttention {
		t.Errorf("status --json of a grant near its limits: %+v", got[0])
	}
}

// A consent that does not reach the profile's site is said with the
// site's name and address, which the admin knows it by, not its cloud ID.
func TestStatusNamesTheSiteTheConsentDoesNotReach(t *testing.T) {
	var sandbox atlserver.Site
	w := newWorld(t, func(cfg *atlserver.Config) {
		cfg.Apps[0].GrantedSites = nil // only the site chosen on the consent page
		sandbox = cfg.Sites[1]
	})
	w.create("conf")
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Update("conf", func(p *profile.Profile, _ *profile.Secrets) error {
		if p.Site.CloudID == sandbox.ID {
			t.Fatal("the consent chose the site the test needs it not to reach")
		}
		p.Site = profile.Site{CloudID: sandbox.ID, Name: sandbox.Name, URL: sandbox.URL}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	r := w.run("", nil, "status", "conf")
	want := "the consent does not reach " + sandbox.Name + " (" + sandbox.URL + "), the site this profile uses: consent again with `authwiz login conf`"
	if r.code != ExitAttention || !strings.Contains(r.stdout, want) {
		t.Fatalf("status of a site the consent does not reach: exit %d, want %q\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, sandbox.ID) || strings.Contains(r.stdout, "authwiz login NAME") {
		t.Errorf("status names the site by its cloud ID, or the command by a placeholder:\n%s", r.stdout)
	}
}
