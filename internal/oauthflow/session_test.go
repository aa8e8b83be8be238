package oauthflow_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
)

func TestAuthURLCarriesEverythingTheProviderNeeds(t *testing.T) {
	s := begin(t)
	u, err := url.Parse(s.AuthURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{
		"response_type": "code",
		"client_id":     "client-id",
		"redirect_uri":  s.RedirectURL(),
		"scope":         "read:me offline_access",
		"audience":      "api.example.test",
		"prompt":        "consent",
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"code_challenge", "code_challenge_method", "resource", "access_type"} {
		if q.Has(k) {
			t.Errorf("authorization URL has %s; Atlassian's flow breaks with it", k)
		}
	}
	if u.Host != "auth.example.test" || u.Path != "/authorize" {
		t.Errorf("authorization URL points at %s%s", u.Host, u.Path)
	}
	raw, err := base64.RawURLEncoding.DecodeString(q.Get("state"))
	if err != nil || len(raw) < 16 {
		t.Errorf("state %q carries fewer than 128 random bits", q.Get("state"))
	}
}

func TestEachAttemptHasItsOwnState(t *testing.T) {
	if a, b := stateOf(t, begin(t)), stateOf(t, begin(t)); a == b {
		t.Fatalf("two attempts share the state %q", a)
	}
}

func TestStateComesFromTheRandomSource(t *testing.T) {
	s := begin(t, oauthflow.WithRandom(bytes.NewReader(make([]byte, 32))))
	if got, want := stateOf(t, s), base64.RawURLEncoding.EncodeToString(make([]byte, 32)); got != want {
		t.Fatalf("state = %q, want %q", got, want)
	}
}

func TestValidCallbackEndsTheWait(t *testing.T) {
	s := begin(t)
	status, page := fetch(t, http.MethodGet, callbackURL(s, url.Values{"code": {"the-code"}, "state": {stateOf(t, s)}}))
	if status != http.StatusOK || !strings.Contains(page, "authwiz received the consent") {
		t.Fatalf("callback answered %d:\n%s", status, page)
	}
	cb, err := s.Wait(deadline(t))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Code != "the-code" || !cb.StateChecked || cb.Pasted {
		t.Fatalf("callback = %+v (code %q)", cb, cb.Code)
	}
}

func TestWrongStateThenRightCallback(t *testing.T) {
	s := begin(t)
	status, page := fetch(t, http.MethodGet, callbackURL(s, url.Values{"code": {"forged"}, "state": {"not-our-state"}}))
	if status != http.StatusBadRequest || !strings.Contains(page, "different sign-in attempt") {
		t.Fatalf("wrong state answered %d:\n%s", status, page)
	}
	assertStillWaiting(t, s)
	fetch(t, http.MethodGet, callbackURL(s, url.Values{"code": {"real"}, "state": {stateOf(t, s)}}))
	cb, err := s.Wait(deadline(t))
	if err != nil || cb.Code != "real" {
		t.Fatalf("Wait = code %q, %v; want the real code", cb.Code, err)
	}
}

func TestRequestsThatAreNotTheAnswerDoNotEndTheWait(t *testing.T) {
	s := begin(t)
	state := stateOf(t, s)
	base := strings.TrimSuffix(s.RedirectURL(), "/callback")
	cases := []struct {
		name, method, target string
		status               int
	}{
		{"wrong path", http.MethodGet, base + "/other?" + url.Values{"code": {"c"}, "state": {state}}.Encode(), http.StatusNotFound},
		{"root", http.MethodGet, base + "/", http.StatusNotFound},
		{"POST", http.MethodPost, callbackURL(s, url.Values{"code": {"c"}, "state": {state}}), http.StatusMethodNotAllowed},
		{"missing state", http.MethodGet, callbackURL(s, url.Values{"code": {"c"}}), http.StatusBadRequest},
		{"state twice", http.MethodGet, callbackURL(s, url.Values{"code": {"c"}, "state": {state, state}}), http.StatusBadRequest},
		{"no code", http.MethodGet, callbackURL(s, url.Values{"state": {state}}), http.StatusBadRequest},
		{"refusal with a wrong state", http.MethodGet, callbackURL(s, url.Values{"error": {"access_denied"}, "state": {"x"}}), http.StatusBadRequest},
		{"huge query", http.MethodGet, callbackURL(s, url.Values{"code": {"c"}, "state": {state}, "pad": {strings.Repeat("a", 12<<10)}}), http.StatusRequestURITooLong},
		{"query over the header limit", http.MethodGet, callbackURL(s, url.Values{"code": {"c"}, "state": {state}, "pad": {strings.Repeat("a", 64<<10)}}), http.StatusRequestHeaderFieldsTooLarge},
		{"malformed query", http.MethodGet, s.RedirectURL() + "?state=" + state + "&code=%zz", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _ := fetch(t, c.method, c.target)
			if status != c.status {
				t.Errorf("status = %d, want %d", status, c.status)
			}
			assertStillWaiting(t, s)
		})
	}
	fetch(t, http.MethodGet, callbackURL(s, url.Values{"code": {"good"}, "state": {state}}))
	if cb, err := s.Wait(deadline(t)); err != nil || cb.Code != "good" {
		t.Fatalf("Wait = code %q, %v", cb.Code, err)
	}
}

func TestDenialEndsTheWait(t *testing.T) {
	s := begin(t)
	status, page := fetch(t, http.MethodGet, callbackURL(s, url.Values{"error": {"access_denied"}, "state": {stateOf(t, s)}}))
	if status != http.StatusOK || !strings.Contains(page, "did not complete") {
		t.Fatalf("denial answered %d:\n%s", status, page)
	}
	_, err := s.Wait(deadline(t))
	if !errors.Is(err, oauthflow.ErrDenied) {
		t.Fatalf("Wait error = %v, want ErrDenied", err)
	}
	if !strings.Contains(err.Error(), "Accept") {
		t.Errorf("denial does not say what to do: %v", err)
	}
}

// A refusal Atlassian describes in known words: the browser's last page
// says the cause and the fix, escaped, and echoes no state.
func TestAnEndPageAtlassianDescribedSaysTheCauseAndTheFix(t *testing.T) {
	cases := map[string]struct {
		answer url.Values
		want   []string
	}{
		"scopes not added": {url.Values{"error": {"invalid_scope"}, "error_description": {
			"This app has requested scopes that have not been added to the app. Add the following scopes to the app: write:page:confluence <b>"}},
			[]string{"Atlassian stopped the consent", "not added to it", "To fix it:", "Edit scopes, tick write:page:confluence"}},
		"cancel chosen": {url.Values{"error": {"access_denied"}},
			[]string{"Cancel was chosen", "To fix it:", "click Accept"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := begin(t)
			state := stateOf(t, s)
			tc.answer.Set("state", state)
			_, page := fetch(t, http.MethodGet, callbackURL(s, tc.answer))
			for _, want := range tc.want {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q:\n%s", want, page)
				}
			}
			if strings.Contains(page, "<b>") || strings.Contains(page, state) {
				t.Errorf("page echoes markup or the state:\n%s", page)
			}
		})
	}
}

func TestServerTextIsEscapedAndStripped(t *testing.T) {
	s := begin(t)
	payload := `<script>alert("x")</script>` + "\x1b[31mred\x1b[0m"
	_, page := fetch(t, http.MethodGet, callbackURL(s, url.Values{
		"error": {"server_error"}, "error_description": {payload}, "state": {stateOf(t, s)},
	}))
	if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;") {
		t.Fatalf("payload not escaped in the page:\n%s", page)
	}
	_, err := s.Wait(deadline(t))
	if !errors.Is(err, oauthflow.ErrAuthorization) {
		t.Fatalf("Wait error = %v, want ErrAuthorization", err)
	}
	if strings.ContainsRune(err.Error(), '\x1b') || !strings.Contains(err.Error(), "server_error") {
		t.Fatalf("error text %q keeps escape sequences or loses the code", err)
	}
}

func TestPortBusy(t *testing.T) {
	holder, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	port := holder.Addr().(*net.TCPAddr).Port
	_, err = oauthflow.Begin(context.Background(), testConfig(redirectURL(port)))
	var busy *oauthflow.PortBusyError
	if !errors.As(err, &busy) || !errors.Is(err, oauthflow.ErrPortBusy) || !busy.InUse {
		t.Fatalf("Begin error = %v, want a PortBusyError for a port in use", err)
	}
	msg := err.Error()
	for _, want := range []string{"port " + strconv.Itoa(port), "Developer Console", "Callback URL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
}

func TestPortBusyOnIPv6Loopback(t *testing.T) {
	holder, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	defer holder.Close()
	_, err = oauthflow.Begin(context.Background(), testConfig(redirectURL(holder.Addr().(*net.TCPAddr).Port)))
	if !errors.Is(err, oauthflow.ErrPortBusy) {
		t.Fatalf("Begin error = %v; another program on ::1 would receive the code", err)
	}
}

func TestCallbackArrivesOverIPv6(t *testing.T) {
	probe, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	probe.Close()
	s := begin(t)
	u, _ := url.Parse(s.RedirectURL())
	target := "http://[::1]:" + u.Port() + "/callback?" + url.Values{"code": {"v6"}, "state": {stateOf(t, s)}}.Encode()
	fetch(t, http.MethodGet, target)
	if cb, err := s.Wait(deadline(t)); err != nil || cb.Code != "v6" {
		t.Fatalf("Wait = code %q, %v", cb.Code, err)
	}
}

func TestTimeout(t *testing.T) {
	start := time.Now()
	s := begin(t, oauthflow.WithTimeout(100*time.Millisecond))
	if d := s.Deadline().Sub(start); d < 100*time.Millisecond || d > time.Second {
		t.Errorf("deadline %v after start", d)
	}
	_, err := s.Wait(deadline(t))
	if !errors.Is(err, oauthflow.ErrTimedOut) || !strings.Contains(err.Error(), s.RedirectURL()) {
		t.Fatalf("Wait error = %v, want ErrTimedOut naming the Redirect URL", err)
	}
}

func TestCancelledWaitThenClose(t *testing.T) {
	s := begin(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := s.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait error = %v, want context.Canceled", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wait(deadline(t)); !errors.Is(err, oauthflow.ErrClosed) {
		t.Fatalf("Wait after Close = %v, want ErrClosed", err)
	}
	if _, err := http.Get(callbackURL(s, url.Values{"code": {"late"}, "state": {stateOf(t, s)}})); err == nil {
		t.Fatal("listener still answers after Close")
	}
}

func TestListenerStopsAfterTheAnswer(t *testing.T) {
	s := begin(t)
	fetch(t, http.MethodGet, callbackURL(s, url.Values{"code": {"c"}, "state": {stateOf(t, s)}}))
	if _, err := s.Wait(deadline(t)); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s.RedirectURL())
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:"+u.Port())
		if err == nil {
			ln.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("port still held after the answer: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWaitStalled(t *testing.T) {
	t.Run("nothing arrives", func(t *testing.T) {
		s := begin(t, oauthflow.WithHintAfter(30*time.Millisecond))
		if !s.WaitStalled(context.Background()) {
			t.Fatal("no hint although nothing arrived")
		}
	})
	t.Run("answer first", func(t *testing.T) {
		s := begin(t, oauthflow.WithHintAfter(time.Hour))
		fetch(t, http.MethodGet, callbackURL(s, url.Values{"code": {"c"}, "state": {stateOf(t, s)}}))
		if s.WaitStalled(context.Background()) {
			t.Fatal("hint although the answer arrived")
		}
	})
}

func TestCallbackNeverPrintsTheCode(t *testing.T) {
	cb := oauthflow.Callback{Code: "secret-code", StateChecked: true}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, cb); strings.Contains(out, "secret-code") {
			t.Errorf("%s prints the code: %s", verb, out)
		}
	}
}

func TestRedirectURLMustBeAbsolute(t *testing.T) {
	if _, err := oauthflow.Begin(context.Background(), testConfig("/callback")); err == nil {
		t.Fatal("Begin accepted a relative Redirect URL")
	}
}
