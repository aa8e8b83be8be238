package rehearsal_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// A rehearsal consent, start to end: the Redirect URL registered as at
// step 7, Deny on the rehearsal consent page, then Allow.
func TestAllowAndDenyOnTheRehearsalConsentPage(t *testing.T) {
	srv, err := rehearsal.Start(0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	redirect := atltest.RedirectURL(t)
	if err := srv.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	store, err := profile.Open(rehearsal.Dir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Create(profile.Profile{Name: "Demo", ClientID: rehearsal.ClientID, RedirectURL: redirect,
		AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), APIBaseURL: srv.APIBaseURL(),
		Scopes: []string{"read:confluence-user", "offline_access"}}, profile.Secrets{ClientSecret: rehearsal.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	runner := &consent.Runner{Store: store, Timeout: 20 * time.Second}
	consentWith := func(allow bool) (consent.Result, error) {
		a, err := runner.Start(context.Background(), "Demo")
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		(&atltest.Browser{Answers: []bool{allow}}).Open(a.AuthURL())
		return a.Wait(context.Background())
	}
	if _, err := consentWith(false); !errors.Is(err, oauthflow.ErrDenied) {
		t.Fatalf("Deny: %v", err)
	}
	res, err := consentWith(true)
	if err != nil || len(res.Sites) != 2 || !res.HasRefreshToken {
		t.Fatalf("Allow: %+v %v", res, err)
	}
	if _, sec, _ := store.Get("Demo"); sec.RefreshToken == "" {
		t.Error("the rehearsal profile's tokens were not saved")
	}
	// The rehearsal store lives beside, not inside, the real profiles.
	if filepath.Base(store.Dir()) != "rehearsal" {
		t.Errorf("rehearsal store in %s", store.Dir())
	}
}
