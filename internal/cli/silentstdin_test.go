package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/testkit"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// authURLIn is the consent link a conversation printed.
func authURLIn(output string) string {
	for _, line := range strings.Split(output, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "http") && strings.Contains(l, "/authorize?") {
			return l
		}
	}
	return ""
}

// No question waits on a standard input that is open but silent (a script,
// ssh without a terminal): after a consent answered in a browser elsewhere,
// the default site is the first one, said with how to choose another, and
// the command ends. A pipe that is a file is known not to be a terminal; a
// reader that is not a file is waited on for --timeout at most.
func TestNoQuestionWaitsOnASilentStdin(t *testing.T) {
	w := newWorld(t)
	// One profile for each login below: a default site chosen once is kept.
	for _, name := range []string{"p1", "p2"} {
		if r := w.run(testClientSecret, nil, w.newArgs(name, "--client-secret-stdin")...); r.code != 0 {
			t.Fatalf("new --no-input: %d\n%s", r.code, r.stderr)
		}
	}
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(testClientSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	osPipe := func(t *testing.T) io.Reader {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		return r
	}
	ioPipe := func(t *testing.T) io.Reader {
		r, w := io.Pipe()
		t.Cleanup(func() { r.Close(); w.Close() })
		return r
	}
	for _, tc := range []struct {
		name  string
		stdin func(*testing.T) io.Reader
		args  []string
	}{
		{"login, a pipe", osPipe, []string{"login", "--no-browser", "p1"}},
		{"login, a reader", ioPipe, []string{"login", "--no-browser", "--timeout", "3s", "p2"}},
		{"new --login, a reader", ioPipe, w.newArgs("q", "--client-secret-file", secretFile, "--login", "--no-browser", "--timeout", "3s")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stderr := &testkit.Buffer{}
			done := make(chan result, 1)
			go func() { done <- w.runWith(tc.stdin(t), stderr, tc.args...) }()
			stderr.WaitFor(t, "Waiting until")
			// The admin opens the printed link on another machine.
			browser := &atltest.Browser{}
			browser.Open(authURLIn(stderr.String()))
			select {
			case r := <-done:
				if r.code != 0 || !strings.Contains(r.stderr, "Default site: acme (the first;") || !strings.Contains(r.stderr, "--site") {
					t.Errorf("exit %d, browser %v:\n%s", r.code, browser.Errors(), r.stderr)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still waiting on the silent input:\n%s", stderr.String())
			}
		})
	}
}
