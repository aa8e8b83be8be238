package consent_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/profile"
)

// A site list that never comes: the consent ends within the runner's
// request timeout, saying which endpoint did not answer, with the tokens
// saved.
func TestConsentWithASilentAPIEndsWithinTheRequestTimeout(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":3600}`))
			return
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) })
	store, err := profile.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://localhost:" + strconv.Itoa(testport.Free(t)) + "/callback"
	err = store.Create(profile.Profile{Name: "p", RedirectURL: redirect, ClientID: "id", AuthURL: srv.URL + "/authorize",
		TokenURL: srv.URL + "/oauth/token", APIBaseURL: srv.URL, Scopes: []string{"read:confluence-user", "offline_access"}},
		profile.Secrets{ClientSecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	runner := &consent.Runner{Store: store, RequestTimeout: 200 * time.Millisecond}
	ctx := deadline(t)
	a, err := runner.Start(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	auth, _ := url.Parse(a.AuthURL())
	if err := a.Paste(redirect + "?" + url.Values{"code": {"c"}, "state": {auth.Query().Get("state")}}.Encode()); err != nil {
		t.Fatal(err)
	}
	_, err = a.Wait(ctx)
	if ctx.Err() != nil {
		t.Fatal("the consent waited on the silent API past the test's deadline")
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if err == nil || !strings.Contains(err.Error(), host+"/oauth/token/accessible-resources did not answer") ||
		!strings.Contains(err.Error(), "tokens are saved") {
		t.Fatalf("error = %v, want the silent endpoint named", err)
	}
	if _, sec, _ := store.Get("p"); sec.RefreshToken != "rt" {
		t.Error("the tokens were not saved before the API call")
	}
}
