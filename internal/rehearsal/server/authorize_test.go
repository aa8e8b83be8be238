package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/testkit"
)

const payload = `"><script>alert(1)</script>`

func TestConsentPageEscapesEverything(t *testing.T) {
	w := newWorldWith(t, func(cfg *Config) {
		cfg.Apps[0].Name = "Evil " + payload
		cfg.User.Name = "Mallory " + payload
		cfg.DescribeScope = func(string) string { return "does " + payload }
	})
	resp, err := w.client.Get(w.authURL("read:confluence-user", "s"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(page), "<script>") {
		t.Errorf("the consent page carries markup from the configuration:\n%s", page)
	}
	for _, want := range []string{"Evil &#34;&gt;&lt;script&gt;", "Mallory &#34;&gt;&lt;script&gt;", "does &#34;&gt;&lt;script&gt;", `id="accept"`, `id="cancel"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the consent page lacks %s", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestErrorPageEscapes(t *testing.T) {
	w := newWorld(t)
	u := strings.Replace(w.authURL("read:confluence-user", "s"), "read%3Aconfluence-user", url.QueryEscape(payload), 1)
	resp, err := w.client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || strings.Contains(string(page), "<script>") || !strings.Contains(string(page), "&lt;script&gt;") {
		t.Errorf("%d %s", resp.StatusCode, page)
	}
}

func TestFollowConsentStopsOnARefusedAnswer(t *testing.T) {
	w := newWorld(t)
	// A browser left open too long: the clock moves on between showing the
	// consent page and answering it.
	slow := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost {
			w.advance(consentLifetime)
		}
		return w.client.Transport.RoundTrip(r)
	})}
	resp, err := FollowConsent(context.Background(), slow, w.authURL("read:confluence-user", "s"), true)
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Status != 400 || !strings.Contains(err.Error(), "has expired") {
		t.Fatalf("got %v, %v", resp, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.back) != 0 {
		t.Errorf("the browser must not come back: %v", w.back)
	}
}

func TestFollowConsentNeedsAConsentPage(t *testing.T) {
	notConsent := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("<html>hello</html>")), Request: r}, nil
	})}
	if _, err := FollowConsent(context.Background(), notConsent, "http://example.test/authorize", true); err == nil ||
		!strings.Contains(err.Error(), "did not lead to a consent page") {
		t.Errorf("got %v", err)
	}
}

func TestUnknownConsentIsRefused(t *testing.T) {
	w := newWorld(t)
	r, err := testkit.NoRedirects().PostForm(w.ts.URL+"/authorize/decide", url.Values{"consent_id": {"consent-made-up"}, "decision": {"accept"}, "site": {w.srv.cfg.Sites[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Errorf("a made-up consent: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestServersDoNotShareApps(t *testing.T) {
	cfg := Sample(redirect)
	first, second := New(cfg), New(cfg)
	const extra = "http://localhost:50002/cb"
	if err := first.RegisterCallback(SampleClientID, extra); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"audience": {"api.atlassian.com"}, "client_id": {SampleClientID}, "scope": {"read:confluence-user"},
		"redirect_uri": {extra}, "state": {"s"}, "response_type": {"code"}, "prompt": {"consent"}}
	for name, srv := range map[string]*Server{"first": first, "second": second} {
		rec := record(srv, "/authorize?"+q.Encode())
		if want := map[string]int{"first": 200, "second": 302}[name]; rec.StatusCode != want {
			t.Errorf("%s server: %d, want %d", name, rec.StatusCode, want)
		}
	}
	if len(cfg.Apps[0].CallbackURLs) != 1 {
		t.Errorf("the caller's Config changed: %v", cfg.Apps[0].CallbackURLs)
	}
}

func TestConsentsAreForgottenOnceExpired(t *testing.T) {
	w := newWorld(t)
	for range 3 {
		resp, err := w.client.Get(w.authURL("read:confluence-user", "s"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	w.advance(consentLifetime + time.Second)
	resp, err := w.client.Get(w.authURL("read:confluence-user", "s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	w.srv.mu.Lock()
	defer w.srv.mu.Unlock()
	if n := len(w.srv.pending); n != 1 {
		t.Errorf("%d consents kept, want only the live one", n)
	}
}

// record serves one GET of target by srv without a listener.
func record(srv *Server, target string) *http.Response {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Result()
}
