// Package testkit holds the helpers authwiz's tests share across packages.
// It depends on the standard library only, so any package's own tests can
// use it without an import cycle; helpers that need the Atlassian stand-in
// live in testkit/atltest.
package testkit

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// NoRedirects is a client that stops at a redirect and returns it, the
// way a browser on another machine leaves the admin with an address to
// paste.
func NoRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// RunMain is a TestMain that lets a test run its own binary as a helper
// process: when the environment variable env is set, child runs with its
// value and its result is the exit code; otherwise the tests run.
func RunMain(m *testing.M, env string, child func(value string) int) {
	if v := os.Getenv(env); v != "" {
		os.Exit(child(v))
	}
	os.Exit(m.Run())
}

// Rerun is the command that runs this test binary as the helper process
// RunMain starts when env is set: env is value, plus extraEnv
// ("NAME=value"), and no test runs. The caller wires its output, starts
// it and waits for it.
func Rerun(env, value string, extraEnv ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env+"="+value), extraEnv...)
	return cmd
}

// SilentListener accepts connections on a loopback port, reads what comes
// and never writes a byte: a hung program, or a stalled proxy that took
// the connection. It returns the address; cleanup closes the listener and
// every connection it accepted.
func SilentListener(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		closed = true
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
			if closed {
				c.Close()
			} else {
				conns = append(conns, c)
			}
			mu.Unlock()
			go io.Copy(io.Discard, c)
		}
	}()
	return ln.Addr().String()
}

// SilentServer is an HTTP server that takes every request and never
// answers it, as a stalled proxy does; arrived receives each request as
// it comes. Cleanup lets the waiting handlers go, then closes the server.
func SilentServer(t testing.TB) (srv *httptest.Server, arrived <-chan struct{}) {
	t.Helper()
	came, stop := make(chan struct{}, 8), make(chan struct{})
	srv = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case came <- struct{}{}:
		case <-r.Context().Done():
			return
		case <-stop:
			return
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: frees the handlers Close waits for
	return srv, came
}

// MemKeyring is a working OS keyring, in memory. NotFound is what Get
// returns for a missing entry (profile.ErrNotInKeyring for the store).
type MemKeyring struct {
	NotFound error

	mu sync.Mutex
	m  map[string]string
}

func (k *MemKeyring) Get(service, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"|"+account]
	if !ok {
		return "", k.NotFound
	}
	return v, nil
}

func (k *MemKeyring) Set(service, account, value string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"|"+account] = value
	return nil
}

func (k *MemKeyring) Delete(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"|"+account)
	return nil
}

// Len is how many entries the keyring holds.
func (k *MemKeyring) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// Buffer collects a program's output while the test reads it.
type Buffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// WaitFor waits, ten seconds at most, until the output shows text.
func (b *Buffer) WaitFor(t testing.TB, text string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(b.String(), text) {
			return
		}
	}
	t.Fatalf("the output never showed %q:\n%s", text, b.String())
}

// WantRefused sends req and checks it is refused: answered with status
// and a page containing text, and not sent on anywhere but to the server's
// own error page (as Atlassian sends the browser to id.atlassian.com/error).
func WantRefused(t testing.TB, req *http.Request, status int, text string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(next *http.Request, _ []*http.Request) error {
		if next.URL.Host != req.URL.Host {
			t.Errorf("a refused request must not leave the server, went to %s", next.URL)
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status || !strings.Contains(string(body), text) {
		t.Errorf("got %d %q, want %d containing %q", resp.StatusCode, body, status, text)
	}
}
