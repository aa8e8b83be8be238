package oauthflow_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/profile"
)

// TestInteroperatesWithMockOIDC runs the whole flow against an OAuth 2.0
// server we did not write, with the Atlassian-only parameters left out.
func TestInteroperatesWithMockOIDC(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()

	cfg := oauthflow.Config{
		ClientID:     m.ClientID,
		ClientSecret: m.ClientSecret,
		AuthURL:      m.AuthorizationEndpoint(),
		TokenURL:     m.TokenEndpoint(),
		RedirectURL:  redirectURL(testport.Free(t)),
		Scopes:       []string{"email", "profile"},
	}
	ctx := deadline(t)
	s, err := oauthflow.Begin(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// The browser: mockoidc redirects straight back to the listener.
	status, page := fetch(t, http.MethodGet, s.AuthURL())
	if status != http.StatusOK {
		t.Fatalf("consent ended with %d:\n%s", status, page)
	}
	cb, err := s.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	grant, err := s.Exchange(ctx, cb)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(grant.Granted, cfg.Scopes) || len(grant.Missing) != 0 {
		t.Errorf("granted %v, missing %v; want what was requested", grant.Granted, grant.Missing)
	}
	if grant.Token.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	assertUserinfo(t, m, grant.Token.AccessToken)
	// mockoidc takes the client's credentials in the body only.
	if grant.TokenAuthStyle != oauthflow.AuthStyleBody {
		t.Errorf("client authentication style found: %q, want %q", grant.TokenAuthStyle, oauthflow.AuthStyleBody)
	}

	if _, err := s.Exchange(ctx, cb); err == nil {
		t.Error("a used code was accepted twice")
	}

	// Refresh through the store, as `authwiz token` does.
	store, err := profile.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "oidc", ClientID: cfg.ClientID, AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL, RedirectURL: cfg.RedirectURL, Scopes: cfg.Scopes}
	expired := time.Now().Add(-time.Hour)
	if err := store.Create(p, profile.Secrets{ClientSecret: cfg.ClientSecret, AccessToken: "old", RefreshToken: grant.Token.RefreshToken, Expiry: expired}); err != nil {
		t.Fatal(err)
	}
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "oidc"}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	assertUserinfo(t, m, tok.AccessToken)
	_, sec, err := store.Get("oidc")
	if err != nil {
		t.Fatal(err)
	}
	if sec.AccessToken != tok.AccessToken || !sec.Expiry.After(time.Now()) {
		t.Errorf("refreshed token not saved: saved expiry %v", sec.Expiry)
	}
	if p, _, _ := store.Get("oidc"); p.TokenAuthStyle != oauthflow.AuthStyleBody {
		t.Errorf("the refresh remembered the style %q, want %q", p.TokenAuthStyle, oauthflow.AuthStyleBody)
	}
}

func assertUserinfo(t *testing.T, m *mockoidc.MockOIDC, accessToken string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.UserinfoEndpoint(), nil)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info struct{ Email string }
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || resp.StatusCode != http.StatusOK || info.Email == "" {
		t.Fatalf("userinfo with the access token: %d, %+v, %v", resp.StatusCode, info, err)
	}
}
