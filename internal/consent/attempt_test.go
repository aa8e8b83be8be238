package consent_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit"
)

func TestPastedAnswerFinishesTheConsent(t *testing.T) {
	e := newEnv(t)
	ctx := deadline(t)
	a, err := e.runner.Start(ctx, e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The browser is elsewhere: it stops at the redirect, and the admin
	// copies the address it was sent to.
	resp, err := atlserver.FollowConsent(ctx, testkit.NoRedirects(), a.AuthURL(), true)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := a.Paste(strings.Replace(resp.Header.Get("Location"), "state=", "state=x", 1)); err == nil {
		t.Fatal("a pasted address with the wrong state was accepted")
	}
	if err := a.Paste(resp.Header.Get("Location")); err != nil {
		t.Fatal(err)
	}
	res, err := a.Wait(ctx)
	if err != nil || len(res.Sites) != 2 {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
}

func TestOnlyConfluenceSitesOnceEach(t *testing.T) {
	// Atlassian lists each site once per product the grant covers.
	e := newEnv(t, "read:confluence-user", "read:jira-work", "offline_access")
	res, err := e.consent(t, true)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range res.Sites {
		ids = append(ids, s.CloudID)
		if !slices.Contains(s.Scopes, "read:confluence-user") || slices.Contains(s.Scopes, "read:jira-work") {
			t.Errorf("site %s keeps scopes %v", s.Name, s.Scopes)
		}
	}
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("sites %v, want the two Confluence sites once each", ids)
	}
}

func TestGrantWithoutACheckScopeStillSucceeds(t *testing.T) {
	e := newEnv(t, "read:confluence-content.all", "offline_access")
	res, err := e.consent(t, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Verified, "not checked") || len(res.Sites) != 2 {
		t.Fatalf("result %+v", res)
	}
}

func TestOnlySiteBecomesTheDefault(t *testing.T) {
	e := newEnv(t)
	// A previous choice the grant no longer reaches is dropped.
	if err := e.store.Update(e.name, func(p *profile.Profile, _ *profile.Secrets) error {
		p.Site = profile.Site{CloudID: "gone", Name: "old"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	res, err := e.consent(t, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Site.CloudID != "" {
		t.Fatalf("default %+v although two sites and the old choice is gone", res.Site)
	}
	if err := e.runner.ChooseSite(e.name, "gone"); err == nil {
		t.Fatal("chose a site the grant does not reach")
	}
}

func TestConsentClearsStaleTokens(t *testing.T) {
	e := newEnv(t)
	if err := e.store.Update(e.name, func(p *profile.Profile, _ *profile.Secrets) error {
		p.TokensStale = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.consent(t, true); err != nil {
		t.Fatal(err)
	}
	p, sec, _ := e.store.Get(e.name)
	if p.TokensStale || !slices.Contains(sec.GrantedScopes, "read:confluence-user") || !sec.Expiry.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("stale %t, granted %v, expiry %v", p.TokensStale, sec.GrantedScopes, sec.Expiry)
	}
}

func TestStartRefusesAnIncompleteProfile(t *testing.T) {
	e := newEnv(t)
	if _, err := e.runner.Start(context.Background(), "nobody"); err == nil || !strings.Contains(err.Error(), `"nobody"`) {
		t.Fatalf("unknown profile: %v", err)
	}
	if err := e.store.Update(e.name, func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.ClientSecret = ""
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err := e.runner.Start(context.Background(), e.name)
	if err == nil || !strings.Contains(err.Error(), "client secret") || !strings.Contains(err.Error(), "authwiz edit") {
		t.Fatalf("missing secret: %v", err)
	}
}

// The long-wait hint names every usual cause, not one: the error pages
// Atlassian stops on need different fixes.
func TestHintListsTheUsualCauses(t *testing.T) {
	e := newEnv(t)
	e.runner.HintAfter = 20 * time.Millisecond
	a, err := e.runner.Start(context.Background(), e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	hint, ok := a.Hint(deadline(t))
	if !ok {
		t.Fatal("no hint")
	}
	for _, want := range []string{a.RedirectURL(), "redirect_uri is not registered", "scopes that have not been added",
		"site admin must authorize", "failed to retrieve client", "click Accept", "Distribution", "paste that page's address"} {
		if !strings.Contains(hint, want) {
			t.Errorf("the hint does not mention %q:\n%s", want, hint)
		}
	}
}

func TestTimeoutEndsTheAttempt(t *testing.T) {
	e := newEnv(t)
	e.runner.Timeout = 50 * time.Millisecond
	a, err := e.runner.Start(context.Background(), e.name)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Wait(deadline(t)); !errors.Is(err, oauthflow.ErrTimedOut) {
		t.Fatalf("Wait error = %v, want ErrTimedOut", err)
	}
}
