package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// readOnlyView is dir as a process that may not write it sees it: dir
// itself made 0500, or for root (whom modes do not stop) a read-only bind
// mount of it. The test is skipped, with the reason, where neither works.
func readOnlyView(t *testing.T, dir string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return dir
	}
	view := t.TempDir()
	if out, err := exec.Command("mount", "--bind", dir, view).CombinedOutput(); err != nil {
		t.Skipf("running as root, where a 0500 directory stays writable, and a read-only bind mount is not allowed here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", view).Run() })
	if out, err := exec.Command("mount", "-o", "remount,bind,ro", view).CombinedOutput(); err != nil {
		t.Skipf("running as root, and the bind mount cannot be made read-only here: %v %s", err, out)
	}
	if f, err := os.CreateTemp(view, "probe"); err == nil {
		f.Close()
		t.Skip("the read-only mount can still be written here")
	}
	return view
}

func TestReadOnlyConfigDir(t *testing.T) {
	w := newWorld(t)
	w.create("p")
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update("p", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = time.Now().Add(-time.Hour) // the next token must refresh
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := currentTokens(w)

	ro := *w
	ro.dir = readOnlyView(t, w.dir)
	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"show", "p"}, {"status", "--offline", "p"}, {"status", "--offline", "--json"}} {
		if r := ro.run("", nil, args...); r.code != 0 {
			t.Errorf("authwiz %s on a read-only config dir: %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	r := ro.run("", nil, "token", "p")
	if r.code == 0 || !strings.Contains(r.stderr, ro.dir) || !strings.Contains(r.stderr, "untouched") {
		t.Errorf("token on a read-only config dir must fail before spending the refresh token, naming the dir: %d\n%s", r.code, r.stderr)
	}
	if after := currentTokens(w); !equalStrings(before, after) {
		t.Fatal("the saved tokens changed although nothing could be saved")
	}
	// Writable again, the grant still works.
	if r := w.run("", nil, "token", "p"); r.code != 0 {
		t.Errorf("token after the dir is writable again: %d %s", r.code, r.stderr)
	}
}

func equalStrings(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// A refresh held up by another process says which one, and the wait ends.
func TestTokenNamesTheProcessHoldingTheRefresh(t *testing.T) {
	w := newWorld(t)
	w.create("p")
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update("p", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = time.Now().Add(-time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	claim, err := store.ClaimGrant(context.Background(), "p")
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()

	var out, errOut bytes.Buffer
	root := newRootCmdWith(Streams{In: strings.NewReader(""), Out: &out, Err: &errOut}, nil,
		&rootOptions{keyring: failingKeyring{}, lockWait: 100 * time.Millisecond})
	root.SetArgs([]string{"--config-dir", w.dir, "token", "p"})
	err = root.Execute()
	if err == nil || !strings.Contains(err.Error(), "authwiz process PID "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), "wait for it to finish") {
		t.Errorf("token while another process refreshes: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout: %q", out.String())
	}
}
