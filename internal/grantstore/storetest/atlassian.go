package storetest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// Consented runs a consent against the strict stand-in atl and returns the
// profile and secrets a store is seeded with. The access token is given
// as already expired when expired is set, so the first use refreshes.
func Consented(t testing.TB, atl *atltest.Atlassian, name string, expired bool) (profile.Profile, profile.Secrets) {
	t.Helper()
	scopes := []string{"read:confluence-user", "offline_access"}
	cfg := oauthflow.Config{ClientID: atlserver.SampleClientID, ClientSecret: atlserver.SampleClientSecret,
		AuthURL: atl.AuthURL(), TokenURL: atl.TokenURL(), RedirectURL: atl.RedirectURL, Scopes: scopes, AuthParams: atlassian.AuthParams()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := oauthflow.Begin(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := atlserver.FollowConsent(ctx, nil, s.AuthURL(), true)
	if err != nil {
		t.Fatalf("consent in the fake browser: %v", err)
	}
	resp.Body.Close()
	cb, err := s.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.Exchange(ctx, cb)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sec := profile.Secrets{ClientSecret: cfg.ClientSecret, AccessToken: g.Token.AccessToken, RefreshToken: g.Token.RefreshToken,
		TokenType: "Bearer", GrantedScopes: scopes, AccessIssuedAt: now, Expiry: g.Token.Expiry, ConsentedAt: now, RefreshIssuedAt: now}
	if expired {
		sec.AccessIssuedAt, sec.Expiry = now.Add(-time.Hour), now.Add(-time.Minute)
	}
	p := profile.Profile{Name: name, Type: profile.TypeOAuth2, ClientID: cfg.ClientID, AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL,
		RedirectURL: cfg.RedirectURL, APIBaseURL: atl.APIBaseURL(), Scopes: scopes}
	return p, sec
}

// Works reports whether the stand-in accepts token for an API call.
func Works(t testing.TB, atl *atltest.Atlassian, token string) bool {
	t.Helper()
	return WorksAt(atl.APIBaseURL(), token)
}

// WorksAt reports whether the API at apiBase accepts token.
func WorksAt(apiBase, token string) bool {
	req, err := http.NewRequest(http.MethodGet, apiBase+"/oauth/token/accessible-resources", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
