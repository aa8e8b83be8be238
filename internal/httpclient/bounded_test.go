package httpclient_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/httpclient"
)

// short is the limit the tests run out; every test also has a deadline of
// its own, so a limit that does not work fails instead of hanging.
const short = 200 * time.Millisecond

// silent listens, accepts and reads, and never writes a byte: a server or
// proxy that takes the connection and never answers. prefix, when set, is
// written once the request has arrived.
func silent(t *testing.T, prefix string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if line == "\r\n" && prefix != "" {
						io.WriteString(c, prefix)
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// get runs a GET that must end within a few seconds whatever happens.
func get(t *testing.T, ctx context.Context, c *http.Client, rawURL string) (*http.Response, error) {
	t.Helper()
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			done <- result{nil, err}
			return
		}
		resp, err := c.Do(req)
		done <- result{resp, err}
	}()
	select {
	case r := <-done:
		return r.resp, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not end within 5 s: a limit does not work")
		return nil, nil
	}
}

// timeoutOf asserts err is a *TimeoutError and returns it.
func timeoutOf(t *testing.T, err error) *httpclient.TimeoutError {
	t.Helper()
	var te *httpclient.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("want a *TimeoutError, got %T: %v", err, err)
	}
	return te
}

func TestServerThatNeverAnswers(t *testing.T) {
	addr := silent(t, "")
	c := httpclient.New(httpclient.Config{Overall: short})
	_, err := get(t, context.Background(), c, "http://"+addr+"/oauth/token/?code=s3cret&state=x")
	te := timeoutOf(t, err)
	if te.Stage != httpclient.StageAnswer || te.After != short || te.Endpoint != addr+"/oauth/token" {
		t.Errorf("got %+v", te)
	}
	msg := te.Error()
	for _, want := range []string{addr + "/oauth/token did not answer within 200ms", "proxy", "try again later"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "s3cret") || strings.Contains(msg, "state") {
		t.Errorf("message repeats the query string: %s", msg)
	}
}

func TestHeadersThatNeverEnd(t *testing.T) {
	addr := silent(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
	c := httpclient.New(httpclient.Config{ResponseHeader: short, Overall: 3 * time.Second})
	_, err := get(t, context.Background(), c, "http://"+addr+"/me")
	te := timeoutOf(t, err)
	if te.Stage != httpclient.StageAnswer || te.After != short {
		t.Errorf("the header limit, not the overall one, must end it: %+v", te)
	}
}

func TestTrickledBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := io.WriteString(w, "["); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}))
	defer ts.Close()
	c := httpclient.New(httpclient.Config{Overall: short})
	resp, err := get(t, context.Background(), c, ts.URL+"/oauth/token/accessible-resources")
	if err != nil {
		t.Fatalf("the headers came at once: %v", err)
	}
	defer resp.Body.Close()
	read := make(chan error, 1)
	go func() { _, err := io.ReadAll(resp.Body); read <- err }()
	select {
	case err = <-read:
	case <-time.After(5 * time.Second):
		t.Fatal("reading the body did not end within 5 s")
	}
	te := timeoutOf(t, err)
	if te.Stage != httpclient.StageBody || te.After != short || !strings.Contains(te.Error(), "began to answer but did not finish within 200ms") {
		t.Errorf("got %+v: %v", te, te)
	}
}

func TestSecureConnectionThatNeverStarts(t *testing.T) {
	addr := silent(t, "")
	c := httpclient.New(httpclient.Config{TLSHandshake: short, Overall: 3 * time.Second})
	_, err := get(t, context.Background(), c, "https://"+addr+"/oauth/token")
	te := timeoutOf(t, err)
	if te.Stage != httpclient.StageSecure || te.After != short || !strings.Contains(te.Error(), "did not set up a secure connection") {
		t.Errorf("got %+v: %v", te, te)
	}
}

func TestHostThatNeverAccepts(t *testing.T) {
	never := func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	c := httpclient.New(httpclient.WithDial(httpclient.Config{Connect: short, Overall: 3 * time.Second}, never))
	_, err := get(t, context.Background(), c, "https://auth.example.test/oauth/token")
	te := timeoutOf(t, err)
	if te.Stage != httpclient.StageConnect || te.After != short || !strings.Contains(te.Error(), "No connection to auth.example.test/oauth/token within 200ms") {
		t.Errorf("got %+v: %v", te, te)
	}
}

func TestStalledProxy(t *testing.T) {
	proxy := silent(t, "")
	cfg := httpclient.Config{Overall: short, Proxy: func(*http.Request) (*url.URL, error) {
		return url.Parse("http://alice:pr0xypass@" + proxy)
	}}
	ctx := httpclient.WithSetting(context.Background(), "the Token URL")
	for _, tc := range []struct {
		url   string
		stage httpclient.Stage
		words string
	}{
		{"https://auth.example.test/oauth/token", httpclient.StageSecure, "The proxy " + proxy + " took the connection but did not open the way to auth.example.test/oauth/token"},
		{"http://auth.example.test/oauth/token", httpclient.StageAnswer, "did not answer within 200ms (through the proxy " + proxy + ")"},
	} {
		_, err := get(t, ctx, httpclient.New(cfg), tc.url)
		te := timeoutOf(t, err)
		msg := te.Error()
		if te.Stage != tc.stage || te.Proxy != proxy || !strings.Contains(msg, tc.words) ||
			!strings.Contains(msg, "HTTPS_PROXY") || !strings.Contains(msg, "that the Token URL is right") {
			t.Errorf("%s: got %+v: %s", tc.url, te, msg)
		}
		if strings.Contains(msg, "alice") || strings.Contains(msg, "pr0xypass") {
			t.Errorf("%s: message shows the proxy's credentials: %s", tc.url, msg)
		}
	}
}

func TestCallerGivingUpIsNotATimeout(t *testing.T) {
	addr := silent(t, "")
	c := httpclient.New(httpclient.Config{Overall: 3 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := get(t, ctx, c, "http://"+addr+"/")
	var te *httpclient.TimeoutError
	if !errors.Is(err, context.Canceled) || errors.As(err, &te) {
		t.Errorf("a cancelled request must say so, not blame the server: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = get(t, ctx, c, "http://"+addr+"/")
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		t.Errorf("the caller's own deadline is the caller's to explain: %v", err)
	}
}

func TestAnswersAndRedirectsPassThrough(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusFound)
			return
		}
		fmt.Fprint(w, "hello from "+r.URL.Path)
	}))
	defer ts.Close()
	resp, err := get(t, context.Background(), httpclient.Default(), ts.URL+"/old")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "hello from /new" {
		t.Errorf("got %q, %v", body, err)
	}
}

func TestDefaults(t *testing.T) {
	d := httpclient.Defaults(httpclient.Config{})
	if d.Connect != 10*time.Second || d.TLSHandshake != 10*time.Second || d.ResponseHeader != 30*time.Second || d.Overall != 30*time.Second {
		t.Errorf("defaults: %+v", d)
	}
	long := httpclient.Defaults(httpclient.Config{Overall: 2 * time.Minute})
	if long.ResponseHeader != 2*time.Minute || long.Connect != 10*time.Second {
		t.Errorf("a longer overall limit must let the answer take longer, not the connection: %+v", long)
	}
	tiny := httpclient.Defaults(httpclient.Config{Overall: time.Second})
	if tiny.Connect != time.Second || tiny.TLSHandshake != time.Second {
		t.Errorf("no step may outlast the overall limit: %+v", tiny)
	}
}

func TestLimitsAreSpelledOut(t *testing.T) {
	for after, want := range map[time.Duration]string{
		30 * time.Second: "within 30 seconds", time.Second: "within 1 second",
		2 * time.Minute: "within 2 minutes", 90 * time.Second: "within 90 seconds",
	} {
		msg := (&httpclient.TimeoutError{Endpoint: "h/p", Stage: httpclient.StageAnswer, After: after}).Error()
		if !strings.Contains(msg, want) {
			t.Errorf("%v: %s", after, msg)
		}
	}
}
