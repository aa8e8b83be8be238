package atlassian_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/testkit"
)

var noon = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// limited answers 429 with the given Retry-After (none when empty) the
// first `times` requests, then lists one site. It counts the requests.
type limited struct {
	mu         sync.Mutex
	retryAfter string
	times      int
	requests   int
}

func (l *limited) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	if l.requests <= l.times {
		if l.retryAfter != "" {
			w.Header().Set("Retry-After", l.retryAfter)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"message":"Rate limit exceeded"}`)
		return
	}
	io.WriteString(w, `[{"id":"c1","name":"acme","url":"https://acme.atlassian.net","scopes":["read:confluence-user"]}]`)
}

func (l *limited) count() int { l.mu.Lock(); defer l.mu.Unlock(); return l.requests }

// clocked is a client of srv on a fixed clock that records its waits.
func clocked(t *testing.T, srv http.Handler) (*atlassian.Client, *[]time.Duration) {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var waits []time.Duration
	c := atlassian.WithClock(&atlassian.Client{BaseURL: ts.URL, HTTP: ts.Client()}, func() time.Time { return noon },
		func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil })
	return c, &waits
}

func TestRateLimitIsWaitedOut(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		want       []time.Duration
	}{
		{"seconds", "3", []time.Duration{3 * time.Second, 3 * time.Second}},
		{"HTTP date", "Sat, 28 Nov 2026 12:00:10 GMT", []time.Duration{10 * time.Second, 10 * time.Second}},
		{"no Retry-After", "", []time.Duration{2 * time.Second, 4 * time.Second}},
	} {
		srv := &limited{retryAfter: tc.retryAfter, times: 2}
		c, waits := clocked(t, srv)
		sites, err := c.AccessibleResources(context.Background(), "t")
		if err != nil || len(sites) != 1 {
			t.Errorf("%s: %v %v", tc.name, sites, err)
		}
		if srv.count() != 3 || len(*waits) != 2 || (*waits)[0] != tc.want[0] || (*waits)[1] != tc.want[1] {
			t.Errorf("%s: %d requests, waits %v; want 3 requests, waits %v", tc.name, srv.count(), *waits, tc.want)
		}
	}
}

func TestLongRateLimitSaysWhenToTryAgain(t *testing.T) {
	srv := &limited{retryAfter: "600", times: 99}
	c, waits := clocked(t, srv)
	_, err := c.AccessibleResources(context.Background(), "t")
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || !apiErr.RetryAt.Equal(noon.Add(10*time.Minute)) ||
		!strings.Contains(err.Error(), "try again after 12:10:00 (in about 10 minutes)") {
		t.Errorf("got %v", err)
	}
	if srv.count() != 1 || len(*waits) != 0 {
		t.Errorf("a wait longer than the cap must not be waited: %d requests, waits %v", srv.count(), *waits)
	}
}

func TestRateLimitGivesUpAfterThreeAttempts(t *testing.T) {
	srv := &limited{times: 99}
	c, _ := clocked(t, srv)
	_, err := c.Me(context.Background(), "t")
	var apiErr *atlassian.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 429 || !apiErr.RetryAt.IsZero() || !strings.Contains(err.Error(), "wait a minute and try again") {
		t.Errorf("got %v", err)
	}
	if srv.count() != 3 {
		t.Errorf("%d requests; want 3", srv.count())
	}
}

func TestRateLimitWaitEndsWithTheContext(t *testing.T) {
	ts := httptest.NewServer(&limited{retryAfter: "20", times: 99})
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := (&atlassian.Client{BaseURL: ts.URL, HTTP: ts.Client()}).Me(ctx, "t")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wait for a rate limit ignored the cancelled context")
	}
}

func TestTokenEndpointRateLimit(t *testing.T) {
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"120"}}}
	limit, ok := atlassian.RateLimitOf(resp, noon)
	advice := limit.TokenAdvice(noon)
	if !ok || !strings.Contains(advice, "not the problem") || !strings.Contains(advice, "try again after 12:02:00 (in about 2 minutes)") {
		t.Errorf("got %v %q", ok, advice)
	}
	limit, _ = atlassian.RateLimitOf(&http.Response{StatusCode: 429, Header: http.Header{}}, noon)
	if advice := limit.TokenAdvice(noon); !strings.Contains(advice, "wait a minute") {
		t.Errorf("without Retry-After: %q", advice)
	}
	for _, other := range []*http.Response{nil, {StatusCode: 400}, {StatusCode: 503, Header: http.Header{"Retry-After": {"5"}}}} {
		if _, ok := atlassian.RateLimitOf(other, noon); ok {
			t.Errorf("%v is not a rate limit", other)
		}
	}
}

func TestSilentAPINamesEndpointAndLimit(t *testing.T) {
	addr := testkit.SilentListener(t)
	base := "http://" + addr
	c := &atlassian.Client{BaseURL: base, HTTP: httpclient.New(httpclient.Config{Overall: 200 * time.Millisecond})}
	done := make(chan error, 1)
	go func() {
		_, err := c.VerifyConfluence(context.Background(), "t", "cloud", []string{"read:space:confluence"})
		done <- err
	}()
	select {
	case err := <-done:
		msg := err.Error()
		for _, want := range []string{"could not read a Confluence space", addr + "/ex/confluence/cloud/wiki/api/v2/spaces did not answer within 200ms", "the API base URL"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q: %s", want, msg)
			}
		}
		if strings.Contains(msg, "limit=1") {
			t.Errorf("message repeats the query string: %s", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not end within its limit")
	}
}
