package server

import (
	"context"
	"encoding/json"
	"io"
	mathrand "math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/testkit"
)

const redirect = "http://localhost:47613/callback"

// world starts the server with the sample app and a catcher standing in for
// the client's loopback listener, which records where the browser came back.
type world struct {
	srv    *Server
	ts     *httptest.Server
	client *http.Client
	now    time.Time
	mu     sync.Mutex
	back   []url.Values
}

func newWorld(t *testing.T) *world { return newWorldWith(t, nil) }

// newWorldWith lets change adjust the sample world before the server starts.
func newWorldWith(t *testing.T, change func(*Config)) *world {
	t.Helper()
	w := &world{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	cfg := Sample(redirect)
	cfg.Now = func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
	if change != nil {
		change(&cfg)
	}
	w.srv = New(cfg)
	w.ts = httptest.NewServer(w.srv)
	t.Cleanup(w.ts.Close)
	// The "browser" sends anything aimed at the redirect URI to the catcher
	// instead of the network.
	w.client = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasPrefix(r.URL.String(), redirect) {
			w.mu.Lock()
			w.back = append(w.back, r.URL.Query())
			w.mu.Unlock()
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), Request: r}, nil
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	return w
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (w *world) advance(d time.Duration) { w.mu.Lock(); w.now = w.now.Add(d); w.mu.Unlock() }

func (w *world) authURL(scope, state string) string {
	q := url.Values{"audience": {"api.atlassian.com"}, "client_id": {SampleClientID}, "scope": {scope},
		"redirect_uri": {redirect}, "state": {state}, "response_type": {"code"}, "prompt": {"consent"}}
	return w.ts.URL + "/authorize?" + q.Encode()
}

// consent runs the browser part and returns what came back to the redirect URI.
func (w *world) consent(t *testing.T, scope string, allow bool) url.Values {
	t.Helper()
	resp, err := FollowConsent(context.Background(), w.client, w.authURL(scope, "st-1"), allow)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.back[len(w.back)-1]
}

type tokenAnswer struct {
	Status       int
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	ExpiresIn    int    `json:"expires_in"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

func (w *world) token(t *testing.T, form url.Values) tokenAnswer {
	t.Helper()
	if !form.Has("client_id") {
		form.Set("client_id", SampleClientID)
	}
	if !form.Has("client_secret") {
		form.Set("client_secret", SampleClientSecret)
	}
	resp, err := http.PostForm(w.ts.URL+"/oauth/token", form)
	return readTokenAnswer(t, resp, err)
}

// readTokenAnswer decodes the token endpoint's answer to a request.
func readTokenAnswer(t *testing.T, resp *http.Response, err error) tokenAnswer {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a tokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	a.Status = resp.StatusCode
	return a
}

func (w *world) exchange(t *testing.T, code string) tokenAnswer {
	return w.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}})
}

func (w *world) refreshWith(t *testing.T, rt string) tokenAnswer {
	return w.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

func TestRefusals(t *testing.T) {
	w := newWorld(t)
	for _, tc := range RefusalCases(Sample(redirect).Apps[0], redirect) {
		t.Run(tc.Name, func(t *testing.T) {
			testkit.WantRefused(t, tc.Request(w.ts.URL), tc.WantStatus, tc.WantText)
		})
	}
}

func TestAllowThenSingleUseCode(t *testing.T) {
	w := newWorld(t)
	back := w.consent(t, "read:confluence-user offline_access", true)
	if back.Get("state") != "st-1" || back.Get("code") == "" {
		t.Fatalf("came back with %v", back)
	}
	first := w.exchange(t, back.Get("code"))
	if first.Status != 200 || first.AccessToken == "" || first.RefreshToken == "" || first.ExpiresIn != 3600 ||
		first.Scope != "read:confluence-user offline_access" {
		t.Fatalf("exchange: %+v", first)
	}
	if again := w.exchange(t, back.Get("code")); again.Status != 403 || again.Error != "invalid_grant" {
		t.Errorf("a code works once: %+v", again)
	}
}

func TestCodeChecks(t *testing.T) {
	w := newWorld(t)
	code := w.consent(t, "read:confluence-user", true).Get("code")
	if a := w.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect + "/"}}); a.Error != "invalid_grant" {
		t.Errorf("redirect_uri must match the authorization's: %+v", a)
	}
	if a := w.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_secret": {"nope"}}); a.Status != 401 || a.Error != "access_denied" {
		t.Errorf("wrong secret: %+v", a)
	}
	if a := w.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {"v"}}); a.Status != 400 {
		t.Errorf("PKCE verifier: %+v", a)
	}
	w.advance(11 * time.Minute)
	if a := w.exchange(t, code); a.Error != "invalid_grant" || !strings.Contains(a.Description, "expired") {
		t.Errorf("expired code: %+v", a)
	}
	// Without offline_access there is no refresh token.
	w2 := newWorld(t)
	if a := w2.exchange(t, w2.consent(t, "read:confluence-user", true).Get("code")); a.RefreshToken != "" {
		t.Errorf("refresh token without offline_access")
	}
}

func TestCancelAndAnswerOnce(t *testing.T) {
	w := newWorld(t)
	back := w.consent(t, "read:confluence-user", false)
	if back.Get("error") != "access_denied" || back.Get("code") != "" || back.Get("state") != "st-1" {
		t.Fatalf("Cancel came back with %v", back)
	}
	// A consent can be answered once.
	resp, err := w.client.Get(w.authURL("read:confluence-user", "<script>alert(1)</script>"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := patterns().consentID.FindSubmatch(page)[1]
	for i, want := range []int{http.StatusOK, http.StatusBadRequest} {
		r, err := w.client.PostForm(w.ts.URL+"/authorize/decide", url.Values{"consent_id": {string(id)}, "decision": {"accept"}, "site": {w.srv.cfg.Sites[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("answer %d: status %d, want %d", i+1, r.StatusCode, want)
		}
	}
}

func TestRefreshRotatesWithoutReuse(t *testing.T) {
	w := newWorld(t)
	first := w.offlineGrant(t)
	second := w.refreshWith(t, first.RefreshToken)
	if second.Status != 200 || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh must rotate: %+v", second)
	}
	if reuse := w.refreshWith(t, first.RefreshToken); reuse.Status != 403 || reuse.Description != "Unknown or invalid refresh token." {
		t.Errorf("reusing a rotated refresh token: %+v", reuse)
	}
	if cur := w.srv.CurrentRefreshTokens(); len(cur) != 1 || cur[0] != second.RefreshToken {
		t.Errorf("current refresh tokens %v", cur)
	}
	if n := w.srv.Refreshes(); n != 1 {
		t.Errorf("refreshes counted %d", n)
	}
	w.srv.FailNextTokenRequests(503)
	if a := w.refreshWith(t, second.RefreshToken); a.Status != 503 {
		t.Errorf("forced failure: %+v", a)
	}
	if a := w.refreshWith(t, second.RefreshToken); a.Status != 200 {
		t.Errorf("a forced failure must not use up the token: %+v", a)
	}
}

func TestRefreshLeeway(t *testing.T) {
	w := newWorld(t)
	w.srv.cfg.RefreshReuseLeeway = 10 * time.Minute
	first := w.offlineGrant(t)
	w.refreshWith(t, first.RefreshToken)
	w.advance(5 * time.Minute)
	if a := w.refreshWith(t, first.RefreshToken); a.Status != 200 {
		t.Errorf("within the leeway reuse works: %+v", a)
	}
	w.advance(6 * time.Minute)
	if a := w.refreshWith(t, first.RefreshToken); a.Status != 403 {
		t.Errorf("after the leeway reuse fails: %+v", a)
	}
}

func TestAPIs(t *testing.T) {
	w := newWorld(t)
	tok := w.exchange(t, w.consent(t, "read:confluence-user read:me offline_access", true).Get("code")).AccessToken
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, w.ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	site := Sample().Sites[0].ID
	for _, tc := range []struct {
		path       string
		wantStatus int
		wantText   string
	}{
		{"/oauth/token/accessible-resources", 200, `"name":"acme-sandbox"`},
		{"/ex/confluence/" + site + "/wiki/rest/api/user/current", 200, `"displayName":"Ada Admin"`},
		{"/me", 200, `"email":"ada@acme.example"`},
	} {
		if status, body := get(tc.path, tok); status != tc.wantStatus || !strings.Contains(body, tc.wantText) {
			t.Errorf("%s: %d %s", tc.path, status, body)
		}
	}
	w.advance(time.Hour)
	if status, _ := get("/me", tok); status != 401 {
		t.Errorf("an expired access token must be refused, got %d", status)
	}
}

func TestRefusedErrorShowsTheServersWords(t *testing.T) {
	w := newWorld(t)
	u := strings.Replace(w.authURL("read:confluence-user", "s"), url.QueryEscape(redirect), url.QueryEscape(redirect+"/"), 1)
	_, err := FollowConsent(context.Background(), w.client, u, true)
	if err == nil || !strings.Contains(err.Error(), "redirect_uri is not registered for client") {
		t.Fatalf("got %v", err)
	}
}

func TestConcurrentRefreshesOfOneTokenOnlyOneWins(t *testing.T) {
	w := newWorld(t)
	rt := w.offlineGrant(t).RefreshToken
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		// Plain requests: t.Fatal may not be called from these goroutines.
		wg.Go(func() {
			resp, err := http.PostForm(w.ts.URL+"/oauth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
				"client_id": {SampleClientID}, "client_secret": {SampleClientSecret}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d concurrent uses of one refresh token succeeded, want exactly 1", ok)
	}
}

func TestRegisterCallback(t *testing.T) {
	w := newWorld(t)
	other := "http://localhost:50001/cb"
	u := strings.Replace(w.authURL("read:confluence-user", "s"), url.QueryEscape(redirect), url.QueryEscape(other), 1)
	if _, err := FollowConsent(context.Background(), w.client, u, true); err == nil {
		t.Fatal("an unregistered callback must be refused")
	}
	if err := w.srv.RegisterCallback(SampleClientID, other); err != nil {
		t.Fatal(err)
	}
	resp, err := FollowConsent(context.Background(), testkit.NoRedirects(), u, true)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, other+"?") {
		t.Errorf("registered callback: redirected to %q", loc)
	}
	if err := w.srv.RegisterCallback("nobody", other); err == nil {
		t.Error("registering for an unknown app must fail")
	}
}

func TestConsentEdges(t *testing.T) {
	w := newWorld(t)
	// A Callback URL with a query gets the parameters merged into it.
	withQuery := "http://localhost:47613/callback?tenant=a"
	if err := w.srv.RegisterCallback(SampleClientID, withQuery); err != nil {
		t.Fatal(err)
	}
	noFollow := testkit.NoRedirects()
	u := strings.Replace(w.authURL("read:confluence-user", "s"), url.QueryEscape(redirect), url.QueryEscape(withQuery), 1)
	resp, err := FollowConsent(context.Background(), noFollow, u, true)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if q := loc.Query(); q.Get("tenant") != "a" || q.Get("code") == "" || q.Get("state") != "s" {
		t.Errorf("redirect %s", loc)
	}

	// Only Accept and Cancel are answers (Allow is not Atlassian's), and a
	// consent page expires.
	page, _ := w.client.Get(w.authURL("read:confluence-user", "s"))
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	id := string(patterns().consentID.FindSubmatch(body)[1])
	for _, tc := range []struct {
		decision string
		advance  time.Duration
		want     int
	}{{"bogus", 0, 400}, {"allow", 0, 400}, {"accept", 31 * time.Minute, 400}} {
		w.advance(tc.advance)
		r, err := noFollow.PostForm(w.ts.URL+"/authorize/decide", url.Values{"consent_id": {id}, "decision": {tc.decision}, "site": {w.srv.cfg.Sites[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != tc.want {
			t.Errorf("decision %q after %s: %d, want %d", tc.decision, tc.advance, r.StatusCode, tc.want)
		}
	}
}

func TestNoProductScopeReachesNoSite(t *testing.T) {
	w := newWorld(t)
	w.srv.cfg.Apps[0].Scopes = append(w.srv.cfg.Apps[0].Scopes, "read:me")
	tok := w.exchange(t, w.consent(t, "read:me", true).Get("code")).AccessToken
	req, _ := http.NewRequest(http.MethodGet, w.ts.URL+"/oauth/token/accessible-resources", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("got %s", body)
	}
}

func TestSeededRandomIsSafeConcurrently(t *testing.T) {
	cfg := Sample(redirect)
	cfg.Random = mathrand.New(mathrand.NewSource(1))
	ts := httptest.NewServer(New(cfg))
	defer ts.Close()
	w := &world{ts: ts}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			resp, err := http.Get(w.authURL("read:confluence-user", "s"))
			if err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
}
