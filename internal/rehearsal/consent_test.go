package rehearsal_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// A rehearsal consent, start to end: the Redirect URL registered as at
// step 7, Cancel on the rehearsal consent page, then Accept.
func TestAcceptAndCancelOnTheRehearsalConsentPage(t *testing.T) {
	demo := atltest.StartDemo(t, "read:confluence-user", "offline_access")
	store := demo.Store
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
		t.Fatalf("Cancel: %v", err)
	}
	res, err := consentWith(true)
	if err != nil || len(res.Sites) != 2 || !res.HasRefreshToken {
		t.Fatalf("Accept: %+v %v", res, err)
	}
	if _, sec, _ := store.Get("Demo"); sec.RefreshToken == "" {
		t.Error("the rehearsal profile's tokens were not saved")
	}
	// The rehearsal store lives beside, not inside, the real profiles.
	if filepath.Base(store.Dir()) != "rehearsal" {
		t.Errorf("rehearsal store in %s", store.Dir())
	}
}
