package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/profile"
)

// runWizardArgs runs authwiz with args against a wizard that only records
// what it was asked to do, with one profile saved: "Confluence prod".
func runWizardArgs(t *testing.T, args ...string) (launch.Request, bool, int) {
	t.Helper()
	var got launch.Request
	called := false
	wizard := func(_ context.Context, req launch.Request) error {
		got, called = req, true
		return nil
	}
	var out, errOut bytes.Buffer
	dir := dirWithProfile(t, "Confluence prod")
	args = append([]string{"--config-dir", dir}, args...)
	code := Main(args, Streams{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, wizard)
	return got, called, code
}

func TestWizardCommands(t *testing.T) {
	for _, tc := range []struct {
		args []string
		mode launch.Mode
		name string
	}{
		{nil, launch.Start, ""},
		{[]string{"new"}, launch.New, ""},
		{[]string{"edit", "confluence PROD"}, launch.Edit, "Confluence prod"},
	} {
		req, called, code := runWizardArgs(t, tc.args...)
		if code != ExitOK || !called {
			t.Fatalf("%q: exit %d, wizard called %v", tc.args, code, called)
		}
		if req.Mode != tc.mode || req.ProfileName != tc.name {
			t.Fatalf("%q: mode %v name %q", tc.args, req.Mode, req.ProfileName)
		}
		if req.Store == nil || req.Clipboard == nil || req.Browser == nil || req.Consent == nil {
			t.Fatalf("%q: adapters not wired: %+v", tc.args, req)
		}
	}
}

func TestEditNeedsExactlyOneName(t *testing.T) {
	for _, args := range [][]string{{"edit"}, {"edit", "a", "b"}, {"new", "extra"}} {
		_, called, code := runWizardArgs(t, args...)
		if called || code != ExitUsage {
			t.Fatalf("%q: exit %d, wizard called %v; want a usage error", args, code, called)
		}
	}
}

// A rehearsal chosen on the real start screen says so to the wizard, and
// when it ends the start screen opens again; `authwiz demo` ends with it.
func TestRehearsalFromTheStartScreenLeadsBackThere(t *testing.T) {
	var calls []string
	wizard := func(_ context.Context, req launch.Request) error {
		switch {
		case req.Rehearsal != nil:
			calls = append(calls, fmt.Sprintf("rehearsal back=%v", req.Rehearsal.BackToStart))
		case len(calls) == 0:
			calls = append(calls, "start")
			return launch.ErrRehearse
		default:
			calls = append(calls, "start")
		}
		return nil
	}
	dir := t.TempDir()
	// The rehearsal server on a free port: the default one may be taken.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "start, rehearsal back=true, start"},
		{[]string{"demo", "--port", "0"}, "rehearsal back=false"},
	} {
		calls = nil
		var errOut bytes.Buffer
		root := newRootCmdWith(Streams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, Err: &errOut}, wizard,
			&rootOptions{keyring: failingKeyring{}, demoPort: testport.Free(t)})
		root.SetArgs(append([]string{"--config-dir", dir}, tc.args...))
		err := root.Execute()
		if got := strings.Join(calls, ", "); err != nil || got != tc.want {
			t.Errorf("authwiz %q: %v, wizard calls %q, want %q\n%s", tc.args, err, got, tc.want, errOut.String())
		}
	}
}

// A key added to profiles.toml by hand is reported by commands at once;
// the wizard is left to say it on its start screen, so it starts without
// reading the files first.
func TestHandAddedKeysAreReportedBeforeCommandsButNotBeforeTheWizard(t *testing.T) {
	dir := dirWithProfile(t, "p")
	settings := filepath.Join(dir, "profiles.toml")
	data, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settings, append([]byte("owner = \"me\"\n"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(wizard launch.Wizard, args ...string) string {
		var out, errOut bytes.Buffer
		if code := Main(append([]string{"--config-dir", dir}, args...), Streams{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, wizard); code != ExitOK {
			t.Fatalf("%q: exit %d: %s", args, code, errOut.String())
		}
		return errOut.String()
	}
	const said = "does not know the key owner"
	if got := run(nil, "list"); !strings.Contains(got, said) {
		t.Errorf("list says nothing of the hand-added key: %q", got)
	}
	var handEdits []string
	wizard := func(_ context.Context, req launch.Request) error {
		handEdits = req.Store.HandEdits()
		return nil
	}
	if got := run(wizard); strings.Contains(got, said) {
		t.Errorf("the hand-added key was reported before the wizard started: %q", got)
	}
	if len(handEdits) != 1 || !strings.Contains(handEdits[0], said) {
		t.Errorf("the wizard's store does not report the key for its start screen: %q", handEdits)
	}
}

// The start screen learns which profiles are shared, with the store's
// address kept from a password and the words edit refuses with; a
// rehearsal's profiles are never shared, so it is not asked.
func TestWizardKnowsSharedProfiles(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: "postgres://authwiz:hunter2@db.invalid/authwiz"})
	w.saveWithSecrets("local", profile.Secrets{})
	var got launch.Request
	root := newRootCmdWith(Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		func(_ context.Context, req launch.Request) error { got = req; return nil },
		&rootOptions{keyring: failingKeyring{}})
	root.SetArgs([]string{"--config-dir", w.dir})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Shared == nil {
		t.Fatal("the start screen cannot tell shared profiles")
	}
	g, ok, err := got.Shared("conf")
	if err != nil || !ok || strings.Contains(g.Store, "hunter2") || !strings.Contains(g.Store, "db.invalid") ||
		!strings.Contains(g.Instead, "authwiz unshare conf") || !strings.Contains(g.Instead, "authwiz login conf --reshare") {
		t.Fatalf("Shared(conf) = %+v, %t, %v", g, ok, err)
	}
	if _, ok, err := got.Shared("local"); ok || err != nil {
		t.Fatalf("Shared(local) = %t, %v", ok, err)
	}
	if req := wired(launch.Request{Rehearsal: &launch.Rehearsal{}}, &rootOptions{configDir: w.dir}, Streams{}, nil); req.Shared != nil {
		t.Fatal("a rehearsal asks which profiles are shared")
	}
}

// dirWithProfile is a config dir holding one profile called name, its
// secret in secrets.toml.
func dirWithProfile(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	store, err := profile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Create(profile.Profile{Name: name, ClientID: testClientID, RedirectURL: profile.DefaultRedirectURL,
		SecretStorage: profile.StorageFile}, profile.Secrets{ClientSecret: testClientSecret}); err != nil {
		t.Fatal(err)
	}
	return dir
}
