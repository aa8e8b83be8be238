package browser_test

import (
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/browser"
)

const link = "https://auth.atlassian.com/authorize?client_id=x&state=y"

// recorder stands in for starting programs: it remembers each command and
// fails those named in fail.
type recorder struct {
	calls [][]string
	fail  map[string]bool
}

func (r *recorder) run(name string, args ...string) error {
	r.calls = append(r.calls, append([]string{name}, args...))
	if r.fail[name] {
		return errors.New("exit status 1")
	}
	return nil
}

func system(env map[string]string, r *recorder) browser.System {
	return browser.System{Getenv: func(k string) string { return env[k] }, Run: r.run}
}

// desktop is an environment where the platform opener is expected to work.
func desktop() map[string]string { return map[string]string{"DISPLAY": ":0"} }

func list(entries ...string) string { return strings.Join(entries, string(os.PathListSeparator)) }

func TestBrowserVariableComesFirst(t *testing.T) {
	cases := []struct {
		name, value string
		fail        []string
		want        [][]string
	}{
		{"URL appended", "firefox", nil, [][]string{{"firefox", link}}},
		{"%s substituted", "chromium --new-window %s", nil, [][]string{{"chromium", "--new-window", link}}},
		{"%% is a percent sign", "b --flag=%%s %s", nil, [][]string{{"b", "--flag=%s", link}}},
		{"first that works wins", list("missing", "", "firefox"), []string{"missing"}, [][]string{{"missing", link}, {"firefox", link}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := desktop()
			env["BROWSER"] = c.value
			r := &recorder{fail: map[string]bool{}}
			for _, f := range c.fail {
				r.fail[f] = true
			}
			if err := system(env, r).Open(link); err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(r.calls, c.want, slices.Equal) {
				t.Fatalf("ran %q, want %q", r.calls, c.want)
			}
		})
	}
}

func TestPlatformOpenerWhenBrowserVariableFails(t *testing.T) {
	env := desktop()
	env["BROWSER"] = "broken"
	r := &recorder{fail: map[string]bool{"broken": true}}
	if err := system(env, r).Open(link); err != nil {
		t.Fatal(err)
	}
	last := r.calls[len(r.calls)-1]
	if last[0] == "broken" || last[len(last)-1] != link {
		t.Fatalf("platform opener not tried after $BROWSER failed: %q", r.calls)
	}
}

func TestPlatformOpenerFailureIsReported(t *testing.T) {
	r := &recorder{}
	s := system(desktop(), r)
	s.Run = func(name string, args ...string) error {
		r.run(name, args...)
		return errors.New("exit status 3")
	}
	err := s.Open(link)
	if err == nil || len(r.calls) != 1 || !strings.Contains(err.Error(), r.calls[0][0]) {
		t.Fatalf("error = %v after running %q, want one naming the opener", err, r.calls)
	}
}

func TestNoBrowserHere(t *testing.T) {
	cases := map[string]map[string]string{
		"SSH session":  {"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"},
		"SSH terminal": {"DISPLAY": ":0", "SSH_TTY": "/dev/pts/1"},
	}
	if needsDisplay() {
		cases["no display"] = map[string]string{}
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			err := system(env, r).Open(link)
			var nb *browser.NoBrowserError
			if !errors.As(err, &nb) || !errors.Is(err, browser.ErrNoBrowser) {
				t.Fatalf("error = %v, want a NoBrowserError", err)
			}
			if len(r.calls) != 0 {
				t.Fatalf("started %q although no browser can be reached", r.calls)
			}
		})
	}
}

// needsDisplay: Linux and the BSDs need X11 or Wayland for a browser.
func needsDisplay() bool { return runtime.GOOS != "windows" && runtime.GOOS != "darwin" }

func TestWaylandIsADisplay(t *testing.T) {
	r := &recorder{}
	if err := system(map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, r).Open(link); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 1 {
		t.Fatalf("ran %q", r.calls)
	}
}

func TestBrowserVariableIsHonouredOverSSH(t *testing.T) {
	r := &recorder{}
	env := map[string]string{"SSH_TTY": "/dev/pts/1", "BROWSER": "my-forwarder"}
	if err := system(env, r).Open(link); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 1 || r.calls[0][0] != "my-forwarder" {
		t.Fatalf("ran %q", r.calls)
	}
}

func TestOnlyWebAddressesAreOpened(t *testing.T) {
	for _, target := range []string{"file:///etc/passwd", "javascript:alert(1)", "ms-settings:", "/callback", "https://", "mailto:a@b.c"} {
		r := &recorder{}
		if err := system(desktop(), r).Open(target); err == nil || len(r.calls) != 0 {
			t.Errorf("Open(%q) = %v after running %q", target, err, r.calls)
		}
	}
}

func TestStubRecords(t *testing.T) {
	s := &browser.Stub{Err: errors.New("no")}
	var o browser.Opener = s
	if err := o.Open(link); err == nil {
		t.Fatal("stub ignored Err")
	}
	if got := s.Opened(); !slices.Equal(got, []string{link}) {
		t.Fatalf("Opened = %q", got)
	}
}
