package atlassian_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/fakeatlassian"
)

const redirect = "http://localhost:47613/callback"

// grant consents against the fake server and returns an access token with
// the given scopes, plus a client pointed at it.
func grant(t *testing.T, cfg fakeatlassian.Config, scope string) (string, *atlassian.Client) {
	t.Helper()
	ts := httptest.NewServer(fakeatlassian.New(cfg))
	t.Cleanup(ts.Close)
	var code string
	browser := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			code = r.URL.Query().Get("code")
			return http.ErrUseLastResponse
		}
		return nil
	}}
	q := url.Values{"audience": {"api.atlassian.com"}, "client_id": {fakeatlassian.SampleClientID}, "scope": {scope},
		"redirect_uri": {redirect}, "state": {"s"}, "response_type": {"code"}, "prompt": {"consent"}}
	resp, err := fakeatlassian.FollowConsent(context.Background(), browser, ts.URL+"/authorize?"+q.Encode(), true)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tok, err := http.PostForm(ts.URL+"/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "client_id": {fakeatlassian.SampleClientID}, "client_secret": {fakeatlassian.SampleClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(tok.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("no access token: %v", err)
	}
	return body.AccessToken, &atlassian.Client{BaseURL: ts.URL, HTTP: ts.Client()}
}

func TestAccessibleResourcesAreCleaned(t *testing.T) {
	cfg := fakeatlassian.Sample(redirect)
	cfg.Sites[0].Name = "acme\x1b]0;pwned\x07\x1b[31m<b>red</b>\x1b[0m"
	tok, c := grant(t, cfg, "read:confluence-user offline_access")
	sites, err := c.AccessibleResources(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 2 || sites[0].CloudID != cfg.Sites[0].ID || sites[1].URL != "https://acme-sandbox.atlassian.net" {
		t.Fatalf("sites: %+v", sites)
	}
	if sites[0].Name != "acme<b>red</b>" {
		t.Errorf("site name must lose escape sequences (markup is the renderer's job): %q", sites[0].Name)
	}
	if strings.Join(sites[0].Scopes, " ") != "read:confluence-user" {
		t.Errorf("site scopes: %v", sites[0].Scopes)
	}
}

func TestVerifyConfluence(t *testing.T) {
	cfg := fakeatlassian.Sample(redirect)
	site := cfg.Sites[0].ID
	tok, c := grant(t, cfg, "read:confluence-user read:space:confluence read:me")
	ctx := context.Background()
	v, err := c.VerifyConfluence(ctx, tok, site, []string{"read:confluence-user"})
	if err != nil || v.DisplayName != "Ada Admin" || !strings.Contains(v.Summary, "Ada Admin") {
		t.Errorf("user check: %+v %v", v, err)
	}
	v, err = c.VerifyConfluence(ctx, tok, site, []string{"read:space:confluence"})
	if err != nil || !strings.Contains(v.Summary, "Engineering") {
		t.Errorf("granular check: %+v %v", v, err)
	}
	if _, err := c.VerifyConfluence(ctx, tok, site, []string{"write:confluence-content"}); !errors.Is(err, atlassian.ErrNoCheckScope) {
		t.Errorf("no scope to check with: %v", err)
	}
	_, err = c.VerifyConfluence(ctx, tok, "unknown-site", []string{"read:confluence-user"})
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "authwiz login") {
		t.Errorf("unknown site: %v", err)
	}
	me, err := c.Me(ctx, tok)
	if err != nil || me.Email != "ada@acme.example" {
		t.Errorf("me: %+v %v", me, err)
	}
}

func TestErrorsSayWhatToDo(t *testing.T) {
	cfg := fakeatlassian.Sample(redirect)
	tok, c := grant(t, cfg, "read:space:confluence")
	_, err := c.VerifyConfluence(context.Background(), tok, cfg.Sites[0].ID, []string{"read:confluence-user"})
	if err == nil || !strings.Contains(err.Error(), "scope does not match") || !strings.Contains(err.Error(), "Permissions") {
		t.Errorf("missing scope: %v", err)
	}
	if _, err := c.AccessibleResources(context.Background(), "made-up"); err == nil || !strings.Contains(err.Error(), "consent again") {
		t.Errorf("bad token: %v", err)
	}
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(502)
		w.Write([]byte(`{"message":"\u001b[2Jupstream <script>"}`))
	}))
	defer broken.Close()
	_, err = (&atlassian.Client{BaseURL: broken.URL}).Me(context.Background(), "t")
	if err == nil || !strings.Contains(err.Error(), "try again in a few minutes") || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("5xx: %v", err)
	}
	_, err = (&atlassian.Client{BaseURL: "http://127.0.0.1:1"}).Me(context.Background(), "t")
	if err == nil || !strings.Contains(err.Error(), "network") {
		t.Errorf("network: %v", err)
	}
}
