package oauthflow_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every page the listener sends loads nothing, is never cached or sniffed
// as something else, and sends no Referer onwards.
func TestCallbackPagesCarryTheSecurityHeaders(t *testing.T) {
	s := begin(t)
	state := stateOf(t, s)
	base := strings.TrimSuffix(s.RedirectURL(), "/callback")
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	}
	pages := []struct{ name, target string }{
		{"not found", base + "/other"},
		{"wrong state", callbackURL(s, url.Values{"code": {"c"}, "state": {"x"}})},
		{"the answer", callbackURL(s, url.Values{"code": {"c"}, "state": {state}})},
	}
	for _, p := range pages {
		resp, err := http.Get(p.target)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		resp.Body.Close()
		for header, value := range want {
			if got := resp.Header.Get(header); got != value {
				t.Errorf("%s page: %s = %q, want %q", p.name, header, got, value)
			}
		}
	}
}

// A request whose Host names another site reached the listener through a
// name that points here (DNS rebinding, for one): it is refused and the
// wait goes on.
func TestCallbackForAnotherHostIsNotTheAnswer(t *testing.T) {
	s := begin(t)
	u, _ := url.Parse(s.RedirectURL())
	answer := callbackURL(s, url.Values{"code": {"c"}, "state": {stateOf(t, s)}})
	for _, host := range []string{"evil.example:" + u.Port(), "localhost:1", "evil.example", "localhost"} {
		req, _ := http.NewRequest(http.MethodGet, answer, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: status %d, want %d", host, resp.StatusCode, http.StatusMisdirectedRequest)
		}
		assertStillWaiting(t, s)
	}
	req, _ := http.NewRequest(http.MethodGet, answer, nil)
	req.Host = "LocalHost:" + u.Port() // host names ignore letter case
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cb, err := s.Wait(deadline(t)); err != nil || cb.Code != "c" {
		t.Fatalf("Wait = code %q, %v", cb.Code, err)
	}
}
