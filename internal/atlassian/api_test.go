package atlassian_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
)

const redirect = "http://localhost:47613/callback"

// grant consents against the fake server and returns an access token with
// the given scopes, plus a client pointed at it.
func grant(t *testing.T, cfg atlserver.Config, scope string) (string, *atlassian.Client) {
	t.Helper()
	ts := httptest.NewServer(atlserver.New(cfg))
	t.Cleanup(ts.Close)
	var code string
	browser := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			code = r.URL.Query().Get("code")
			return http.ErrUseLastResponse
		}
		return nil
	}}
	q := url.Values{"audience": {"api.atlassian.com"}, "client_id": {atlserver.SampleClientID}, "scope": {scope},
		"redirect_uri": {redirect}, "state": {"s"}, "response_type": {"code"}, "prompt": {"consent"}}
	resp, err := atlserver.FollowConsent(context.Background(), browser, ts.URL+"/authorize?"+q.Encode(), true)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tok, err := http.PostForm(ts.URL+"/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "client_id": {atlserver.SampleClientID}, "client_secret": {atlserver.SampleClientSecret}})
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
	cfg := atlserver.Sample(redirect)
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
	cfg := atlserver.Sample(redirect)
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

func TestMissingScopeNamesIt(t *testing.T) {
	cfg := atlserver.Sample(redirect)
	tok, c := grant(t, cfg, "read:space:confluence")
	ctx := context.Background()
	_, err := c.VerifyConfluence(ctx, tok, cfg.Sites[0].ID, []string{"read:confluence-user"})
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || apiErr.MissingScope != "read:confluence-user" ||
		!strings.Contains(err.Error(), "lacks read:confluence-user") || !strings.Contains(err.Error(), atlassian.DeveloperConsoleURL) {
		t.Errorf("missing classic scope: %v", err)
	}
	_, err = c.Me(ctx, tok)
	if !errors.As(err, &apiErr) || apiErr.MissingScope != "read:me" {
		t.Errorf("missing read:me: %v", err)
	}
}

func TestRefusedTokenSaysConsentAgain(t *testing.T) {
	cfg := atlserver.Sample(redirect)
	cfg.AccessTokenLifetime = time.Minute
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tok, c := grant(t, cfg, "read:confluence-user")
	ctx := context.Background()
	if _, err := c.AccessibleResources(ctx, tok); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	for name, token := range map[string]string{"expired": tok, "made-up": "made-up"} {
		_, err := c.AccessibleResources(ctx, token)
		var apiErr *atlassian.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.MissingScope != "" || !strings.Contains(err.Error(), "consent again") {
			t.Errorf("%s token: %v", name, err)
		}
	}
}

// A site the consent did not choose answers 401 like a dead token; the
// token still lists the sites it reaches, so the consent is what to redo.
func TestASiteTheConsentDoesNotReachSaysChooseIt(t *testing.T) {
	cfg := atlserver.Sample(redirect)
	for i := range cfg.Apps {
		cfg.Apps[i].GrantedSites = nil // only the site chosen on the consent page
	}
	tok, c := grant(t, cfg, "read:confluence-user")
	chosen, other := cfg.Sites[0], cfg.Sites[1]
	ctx := context.Background()
	if _, err := c.VerifyConfluence(ctx, tok, chosen.ID, []string{"read:confluence-user"}); err != nil {
		t.Fatalf("the chosen site: %v", err)
	}
	_, err := c.VerifyConfluence(ctx, tok, other.ID, []string{"read:confluence-user"})
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.SiteNotReached != other.ID {
		t.Fatalf("the site not chosen: %v", err)
	}
	for _, want := range []string{"does not reach the site with cloud ID " + other.ID, "it reaches " + chosen.Name, "authwiz login", "Use app on"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "expired or revoked") {
		t.Errorf("a working token is called expired: %v", err)
	}
	if _, err := c.VerifyConfluence(ctx, "made-up", other.ID, []string{"read:confluence-user"}); !errors.As(err, &apiErr) ||
		apiErr.SiteNotReached != "" || !strings.Contains(err.Error(), "expired or revoked") {
		t.Errorf("a dead token: %v", err)
	}
}

// answering is a server that always answers with status and body.
func answering(t *testing.T, status int, body string) *atlassian.Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(ts.Close)
	return &atlassian.Client{BaseURL: ts.URL, HTTP: ts.Client()}
}

func TestErrorsSayWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		status      int
		body        string
		wantMessage string
		wantFix     string
	}{
		{403, `{"code":403,"message":"Forbidden"}`, "Forbidden", "ask a site admin"},
		{404, `{"code":404,"message":"Site not found"}`, "Site not found", "refresh the list of sites"},
		{429, `{"message":"Rate limit exceeded"}`, "Rate limit exceeded", "wait a minute"},
		{502, `{"message":"\u001b[2Jupstream\n<script>alert(1)</script>"}`, "upstream <script>alert(1)</script>", "try again in a few minutes"},
		{401, `{"error":"invalid_token","error_description":"\u001b]0;pwned\u0007bad\u009b31m token\u202e"}`, "bad token", "consent again"},
		{400, `not json at all`, "", "Try again"},
		{500, `{"message":"` + strings.Repeat("x", 5000) + `"}`, strings.Repeat("x", 200) + "…", "try again"},
	} {
		// A 429 is waited out before it is reported; the waits are not
		// this test's subject.
		noWait := func(context.Context, time.Duration) error { return nil }
		c := atlassian.WithClock(answering(t, tc.status, tc.body), time.Now, noWait)
		_, err := c.Me(context.Background(), "t")
		var apiErr *atlassian.APIError
		if !errors.As(err, &apiErr) {
			t.Errorf("%d: not an APIError: %v", tc.status, err)
			continue
		}
		if apiErr.Status != tc.status || apiErr.Message != tc.wantMessage || !strings.Contains(apiErr.Fix, tc.wantFix) {
			t.Errorf("%d: got %+v, want message %q and a fix about %q", tc.status, apiErr, tc.wantMessage, tc.wantFix)
		}
	}
}

func TestSiteTextIsOneCleanLine(t *testing.T) {
	c := answering(t, 200, `[{"id":"c1","name":" Acme\n\tWiki\u001b[1A\u200f ","url":"https://acme.atlassian.net","scopes":["read:me\u0007"]}]`)
	sites, err := c.AccessibleResources(context.Background(), "t")
	if err != nil {
		t.Fatal(err)
	}
	if sites[0].Name != "Acme Wiki" || sites[0].Scopes[0] != "read:me" {
		t.Errorf("got %+v", sites[0])
	}
}

func TestOversizedAnswerIsCutOff(t *testing.T) {
	c := answering(t, 200, `[{"id":"c1","name":"`+strings.Repeat("a", 2<<20)+`"}]`)
	if _, err := c.AccessibleResources(context.Background(), "t"); err == nil || !strings.Contains(err.Error(), "not what Atlassian sends") {
		t.Errorf("an answer past the limit must not be read whole: %v", err)
	}
}

func TestNoAnswer(t *testing.T) {
	_, err := (&atlassian.Client{BaseURL: "http://127.0.0.1:1"}).VerifyConfluence(context.Background(), "t", "c", []string{"read:space:confluence"})
	if err == nil || !strings.Contains(err.Error(), "network") || strings.Contains(err.Error(), "limit=1") {
		t.Errorf("network, without the query string: %v", err)
	}

	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	defer untrusted.Close()
	_, err = (&atlassian.Client{BaseURL: untrusted.URL, HTTP: &http.Client{}}).Me(context.Background(), "t")
	if err == nil || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), "root certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = (&atlassian.Client{BaseURL: untrusted.URL, HTTP: untrusted.Client()}).Me(ctx, "t")
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "network") {
		t.Errorf("cancelled: %v", err)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	var asked string
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		asked = r.URL.String() + " " + r.Header.Get("Authorization")
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{"account_id":"a"}`)), Request: r}, nil
	})}
	if _, err := (&atlassian.Client{HTTP: client}).Me(context.Background(), "tok"); err != nil {
		t.Fatal(err)
	}
	if asked != "https://api.atlassian.com/me Bearer tok" {
		t.Errorf("asked %q", asked)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAuthParams(t *testing.T) {
	p := atlassian.AuthParams()
	if len(p) != 2 || p["audience"] != "api.atlassian.com" || p["prompt"] != "consent" {
		t.Errorf("got %v", p)
	}
	p["audience"] = "changed"
	if atlassian.AuthParams()["audience"] != "api.atlassian.com" {
		t.Error("callers must get their own copy")
	}
}
