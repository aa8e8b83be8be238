package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// silentTokenURL points name's refresh at a token endpoint that takes the
// connection and never answers (a stalled proxy), with its access token
// expired so the next `token` must refresh. entered receives once per
// request that reached it.
func silentTokenURL(t *testing.T, w *world, name string) (entered chan struct{}) {
	t.Helper()
	entered = make(chan struct{}, 8)
	release := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(silent.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees the handlers Close waits for
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(name, func(p *profile.Profile, sec *profile.Secrets) error {
		p.TokenURL = silent.URL + "/oauth/token"
		sec.Expiry = time.Now().Add(-time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return entered
}

func TestASilentTokenEndpointBlocksNothingElse(t *testing.T) {
	w := newWorld(t)
	w.create("stalled")
	w.create("other")
	entered := silentTokenURL(t, w, "stalled")

	done := make(chan result, 1)
	go func() { done <- w.run("", nil, "token", "stalled", "--timeout", "5s") }()
	select {
	case <-entered:
	case r := <-done:
		t.Fatalf("token ended before reaching the token endpoint: %d %s", r.code, r.stderr)
	case <-time.After(time.Minute):
		t.Fatal("token never reached the silent token endpoint")
	}

	// While the refresh of "stalled" waits, the others answer.
	for _, args := range [][]string{{"list"}, {"token", "other"}, {"show", "other"}, {"status", "--offline", "other"}} {
		if r := w.run("", nil, args...); r.code != 0 {
			t.Errorf("authwiz %s while another profile's refresh hangs: %d %s", strings.Join(args, " "), r.code, r.stderr)
		}
		select {
		case r := <-done:
			t.Fatalf("the silent refresh ended (%d %s) before authwiz %s answered: the test proves nothing", r.code, r.stderr, strings.Join(args, " "))
		default:
		}
	}

	select {
	case r := <-done:
		if r.code == 0 || !strings.Contains(r.stderr, "/oauth/token did not answer within 5 seconds") || !strings.Contains(r.stderr, "Token URL") {
			t.Errorf("the timeout must name the endpoint and what to check: %d %s", r.code, r.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatal("token with --timeout 5s still waits after a minute")
	}
}
