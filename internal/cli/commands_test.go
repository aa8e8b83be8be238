package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

var update = flag.Bool("update-json", false, "rewrite the JSON golden files")

// The secrets of the test app; no output may ever contain them.
const (
	testClientID     = "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"
	testClientSecret = "ATOAtestClientSecretThatMustNeverBePrinted0123456789"
)

// helperEnv makes the test binary run `authwiz` itself: "args joined by \x1f".
const helperEnv = "AUTHWIZ_CLI_TEST_MAIN"

// TestMain is testkit.RunMain (the helper process), with the tests run by
// pgtest.Main: it removes the PostgreSQL the tests shared, which would
// otherwise go on running after them.
func TestMain(m *testing.M) {
	if args := os.Getenv(helperEnv); args != "" {
		if step := os.Getenv(stopMidwayEnv); step != "" {
			midway = stopAt(step)
		}
		os.Exit(Main(strings.Split(args, "\x1f"), Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, nil))
	}
	if dir := os.Getenv(holdLinksEnv); dir != "" {
		os.Exit(holdLinks(dir))
	}
	os.Exit(pgtest.Main(m))
}

// world is a fake Atlassian whose app is a real-looking one (the real
// store refuses the rehearsal app's credentials), and a config directory.
type world struct {
	t        *testing.T
	fake     *atlserver.Server
	server   *httptest.Server
	dir      string
	redirect string
	now      time.Time
}

func newWorld(t *testing.T, adjust ...func(cfg *atlserver.Config)) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), now: time.Now()}
	atl := atltest.Start(t, append([]func(cfg *atlserver.Config){func(cfg *atlserver.Config) {
		cfg.Apps[0].ClientID, cfg.Apps[0].ClientSecret = testClientID, testClientSecret
	}}, adjust...)...)
	w.redirect, w.fake, w.server = atl.RedirectURL, atl.Server, atl.HTTP
	return w
}

// result is one command's outcome.
type result struct {
	code           int
	stdout, stderr string
}

// run runs authwiz in this process with stdin and the world's seams.
func (w *world) run(stdin string, env map[string]string, args ...string) result {
	w.t.Helper()
	for k, v := range env {
		w.t.Setenv(k, v)
	}
	return w.runWith(strings.NewReader(stdin), &testkit.Buffer{}, args...)
}

// runWith runs authwiz in this process reading stdin, with stderr written
// to as it runs.
func (w *world) runWith(stdin io.Reader, stderr *testkit.Buffer, args ...string) result {
	var out bytes.Buffer
	opts := &rootOptions{keyring: failingKeyring{}, browser: &atltest.Browser{}}
	root := newRootCmdWith(Streams{In: stdin, Out: &out, Err: stderr}, nil, opts)
	root.SetArgs(append([]string{"--config-dir", w.dir}, args...))
	err := root.ExecuteContext(context.Background())
	code := ExitOK
	if err != nil {
		printError(stderr, err)
		code = exitCode(err)
	}
	return result{code, out.String(), stderr.String()}
}

// failingKeyring is a keyring that is never there, as on a headless server.
type failingKeyring struct{}

var errNoKeyring = errors.New("no secret service on this machine")

func (failingKeyring) Get(string, string) (string, error) { return "", errNoKeyring }
func (failingKeyring) Set(string, string, string) error   { return errNoKeyring }
func (failingKeyring) Delete(string, string) error        { return errNoKeyring }
func (w *world) newArgs(name string, extra ...string) []string {
	return append([]string{"new", "--no-input", "--name", name, "--client-id", testClientID,
		"--redirect-url", w.redirect, "--auth-url", w.server.URL + "/authorize", "--token-url", w.server.URL + "/oauth/token",
		"--api-url", w.server.URL, "--scopes", "read:confluence-user read:space:confluence"}, extra...)
}

// create makes a profile with new --no-input and consents for it.
func (w *world) create(name string) {
	w.t.Helper()
	r := w.run(testClientSecret, nil, w.newArgs(name, "--client-secret-stdin", "--login")...)
	if r.code != 0 {
		w.t.Fatalf("new --no-input --login: %d\n%s", r.code, r.stderr)
	}
}

func TestNewNoInputSecretSources(t *testing.T) {
	w := newWorld(t)
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(testClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		stdin string
		env   map[string]string
		args  []string
	}{
		{"stdin", testClientSecret + "\n", nil, []string{"--client-secret-stdin"}},
		{"file", "", nil, []string{"--client-secret-file", secretFile}},
		{"env", "", map[string]string{secretEnv: testClientSecret}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.run(tc.stdin, tc.env, w.newArgs("from "+tc.name, tc.args...)...)
			if r.code != 0 || !strings.Contains(r.stderr, `Saved "from `+tc.name+`"`) {
				t.Fatalf("%d %s", r.code, r.stderr)
			}
			store, _ := profile.Open(w.dir)
			if _, sec, err := store.Get("from " + tc.name); err != nil || sec.ClientSecret != testClientSecret {
				t.Errorf("the secret from %s was not saved as given: %v", tc.name, err)
			}
		})
	}
}

func TestNewNoInputRefusals(t *testing.T) {
	w := newWorld(t)
	r := w.run("", nil, "new", "--no-input", "--client-secret", testClientSecret, "--client-id", testClientID)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "shell history") || strings.Contains(r.stderr, testClientSecret) {
		t.Errorf("a secret flag value: %d %q", r.code, r.stderr)
	}
	// Every problem at once, nothing saved.
	r = w.run("", nil, "new", "--no-input", "--name", " ", "--client-id", "a b", "--redirect-url", "http://example.com/cb",
		"--auth-url", "javascript:alert(1)", "--scopes", "read:me")
	for _, want := range []string{"nothing was saved", "Name:", "Client ID:", "Redirect URL:", "Authorization URL:", "Scopes:", "Client secret:"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != ExitUsage {
		t.Errorf("exit %d", r.code)
	}
	if _, err := os.Stat(filepath.Join(w.dir, "profiles.toml")); !os.IsNotExist(err) {
		t.Error("a refused profile was saved")
	}
	r = w.run(testClientSecret, nil, w.newArgs("no wait", "--client-secret-stdin", "--login", "--timeout", "0s")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--timeout must be positive") {
		t.Errorf("a --timeout that ends every wait at once: %d %s", r.code, r.stderr)
	}
	r = w.run(testClientSecret, map[string]string{secretEnv: testClientSecret}, w.newArgs("two sources", "--client-secret-stdin")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "one way only") {
		t.Errorf("two secret sources: %d %s", r.code, r.stderr)
	}
}

func TestKeyringFallbackIsSaid(t *testing.T) {
	w := newWorld(t)
	r := w.run(testClientSecret, nil, w.newArgs("p", "--client-secret-stdin")...)
	if r.code != 0 || !strings.Contains(r.stderr, "not in the OS keyring because none could be used here (no usable OS keyring: no secret service") {
		t.Fatalf("the fallback to the file must be said: %s", r.stderr)
	}
	r = w.run("", nil, "status", "--offline", "p")
	if !strings.Contains(r.stdout, "no OS keyring here") {
		t.Errorf("status says why the secrets are in the file:\n%s", r.stdout)
	}
	r = w.run(testClientSecret, nil, append([]string{"--secrets", "keyring"}, w.newArgs("q", "--client-secret-stdin")...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "secrets file instead") {
		t.Errorf("--secrets keyring without a keyring must fail plainly: %s", r.stderr)
	}
	r = w.run(testClientSecret, nil, append([]string{"--secrets", "file"}, w.newArgs("r", "--client-secret-stdin")...)...)
	if r.code != 0 || strings.Contains(r.stderr, "not in the OS keyring") {
		t.Errorf("an explicit file choice needs no excuse: %s", r.stderr)
	}
}

func TestEveryCommandOnARealProfile(t *testing.T) {
	w := newWorld(t)
	w.create("Confluence prod")
	store, _ := profile.Open(w.dir)
	_, sec, err := store.Get("Confluence prod")
	if err != nil || sec.AccessToken == "" {
		t.Fatalf("no tokens after new --login: %v", err)
	}
	secrets := []string{testClientSecret, sec.RefreshToken}

	steps := []struct {
		args     []string
		stdin    string
		code     int
		want     string
		tokenOut bool // stdout is the access token
	}{
		{[]string{"list"}, "", 0, "Confluence prod", false},
		{[]string{"list", "--json"}, "", 0, `"name": "Confluence prod"`, false},
		{[]string{"show", "confluence PROD"}, "", 0, "Client secret      set", false},
		{[]string{"show", "Confluence prod", "--json"}, "", 0, `"client_secret": "set"`, false},
		{[]string{"status"}, "", 0, "check     ok: Confluence user", false},
		{[]string{"status", "Confluence prod", "--json"}, "", 0, `"result": "ok"`, false},
		{[]string{"token", "Confluence prod"}, "", 0, "access-", true},
		{[]string{"token", "nobody"}, "", ExitNotFound, "no real profile", false},
		{[]string{"rename", "Confluence prod", "Confluence production"}, "", 0, "Renamed", false},
		{[]string{"login", "Confluence production"}, "", 0, "Connected as Ada Admin", false},
		{[]string{"delete", "Confluence production"}, "", ExitUsage, "--yes", false},
		{[]string{"delete", "--yes", "Confluence production"}, "", 0, "id.atlassian.com/manage-profile/apps", false},
		{[]string{"status"}, "", 0, "no profiles yet", false},
	}
	for _, s := range steps {
		r := w.run(s.stdin, nil, s.args...)
		if r.code != s.code || !strings.Contains(r.stdout+r.stderr, s.want) {
			t.Fatalf("authwiz %s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", strings.Join(s.args, " "), r.code, s.code, s.want, r.stdout, r.stderr)
		}
		scanned := r.stdout + r.stderr
		if s.tokenOut {
			if strings.TrimSpace(r.stdout) == "" || strings.Count(r.stdout, "\n") != 1 {
				t.Errorf("token prints the token and nothing else: %q", r.stdout)
			}
			scanned = r.stderr
		}
		for _, secret := range append(secrets, currentTokens(w)...) {
			if secret != "" && strings.Contains(scanned, secret) {
				t.Errorf("authwiz %s printed a secret", strings.Join(s.args, " "))
			}
		}
	}
	assertNoSecretInFiles(t, w.dir, secrets)
}

// currentTokens are the tokens saved now, for every profile.
func currentTokens(w *world) []string {
	store, err := profile.Open(w.dir)
	if err != nil {
		return nil
	}
	list, _ := store.List()
	var out []string
	for _, p := range list {
		if _, sec, err := store.Get(p.Name); err == nil {
			out = append(out, sec.AccessToken, sec.RefreshToken)
		}
	}
	return out
}

// assertNoSecretInFiles scans every file authwiz wrote except the secrets
// store and its backup.
func assertNoSecretInFiles(t *testing.T, dir string, secrets []string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), "secrets.toml") {
			return err
		}
		data, _ := os.ReadFile(path)
		for _, s := range secrets {
			if s != "" && bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret", path)
			}
		}
		return nil
	})
}

func TestStatusNeedsAttention(t *testing.T) {
	w := newWorld(t)
	r := w.run(testClientSecret, nil, w.newArgs("never consented", "--client-secret-stdin")...)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	r = w.run("", nil, "status", "--offline")
	if r.code != ExitAttention || !strings.Contains(r.stdout, `token needs consent: run `+"`"+`authwiz login "never consented"`) {
		t.Errorf("status of a profile without consent: %d\n%s", r.code, r.stdout)
	}
	r = w.run("", nil, "token", "never consented")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "authwiz login") {
		t.Errorf("token without consent: %d %s", r.code, r.stderr)
	}
}

func TestJSONSchemas(t *testing.T) {
	w := newWorld(t)
	store, err := profile.Open(w.dir, profile.WithClock(func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }))
	if err != nil {
		t.Fatal(err)
	}
	site := profile.Site{CloudID: "11111111-2222-4333-8444-555555555555", Name: "acme", URL: "https://acme.atlassian.net"}
	err = store.Create(profile.Profile{
		Name: "Confluence prod", ClientID: testClientID, RedirectURL: "http://localhost:47613/callback",
		AuthURL: "https://auth.atlassian.com/authorize", TokenURL: "https://auth.atlassian.com/oauth/token",
		Scopes: []string{"read:confluence-user", "offline_access"}, Site: site, Sites: []profile.Site{site}, SecretStorage: profile.StorageFile,
	}, profile.Secrets{ClientSecret: testClientSecret, AccessToken: "at", RefreshToken: "rt",
		Expiry: time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC), RefreshIssuedAt: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
		ConsentedAt:   time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
		GrantedScopes: []string{"read:confluence-user", "offline_access"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"list.json", []string{"list", "--json"}},
		{"show.json", []string{"show", "Confluence prod", "--json"}},
		{"status.json", []string{"status", "--offline", "--json"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var out bytes.Buffer
			fixed := time.Date(2026, 11, 28, 12, 30, 0, 0, time.UTC)
			root := newRootCmdWith(Streams{In: strings.NewReader(""), Out: &out, Err: io.Discard}, nil,
				&rootOptions{keyring: failingKeyring{}, now: func() time.Time { return fixed }})
			root.SetArgs(append([]string{"--config-dir", w.dir}, tc.args...))
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out.String())
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-json to create it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s changed:\n%s", tc.golden, out.String())
			}
			if bytes.Contains(out.Bytes(), []byte(testClientSecret)) || bytes.Contains(out.Bytes(), []byte(`"rt"`)) {
				t.Error("JSON holds a secret")
			}
		})
	}
}

func TestCommandArgs(t *testing.T) {
	type parsed struct {
		list   *listOptions
		show   *showOptions
		status *statusOptions
		token  *tokenOptions
		rename *renameOptions
		delete *deleteOptions
	}
	parse := func(args ...string) (parsed, error) {
		var p parsed
		root := newRootCmd(Streams{Out: io.Discard, Err: io.Discard}, nil)
		opts := &rootOptions{}
		for _, c := range root.Commands() {
			switch c.Name() {
			case "list", "show", "status", "token", "rename", "delete":
				root.RemoveCommand(c)
			}
		}
		s := Streams{Out: io.Discard, Err: io.Discard}
		root.AddCommand(
			newListCmd(opts, s, func(_ context.Context, o *listOptions) error { p.list = o; return nil }),
			newShowCmd(opts, s, func(_ context.Context, o *showOptions) error { p.show = o; return nil }),
			newStatusCmd(opts, s, func(_ context.Context, o *statusOptions) error { p.status = o; return nil }),
			newTokenCmd(opts, s, func(_ context.Context, o *tokenOptions) error { p.token = o; return nil }),
			newRenameCmd(opts, s, func(_ context.Context, o *renameOptions) error { p.rename = o; return nil }),
			newDeleteCmd(opts, s, func(_ context.Context, o *deleteOptions) error { p.delete = o; return nil }),
		)
		root.SetArgs(args)
		return p, root.Execute()
	}
	ok := func(args ...string) parsed {
		t.Helper()
		p, err := parse(args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return p
	}
	if p := ok("list", "--json"); !p.list.JSON {
		t.Error("list --json")
	}
	if p := ok("show", "--rehearsal", "a b"); p.show.Name != "a b" || !p.show.Rehearsal || p.show.JSON {
		t.Errorf("show: %+v", p.show)
	}
	if p := ok("status"); p.status.Name != "" || p.status.Offline {
		t.Errorf("status: %+v", p.status)
	}
	if p := ok("status", "x", "--json", "--offline"); p.status.Name != "x" || !p.status.JSON || !p.status.Offline {
		t.Errorf("status x: %+v", p.status)
	}
	if p := ok("token", "x"); p.token.Name != "x" || p.token.Rehearsal {
		t.Errorf("token: %+v", p.token)
	}
	if p := ok("rename", "a", "b"); p.rename.Name != "a" || p.rename.NewName != "b" {
		t.Errorf("rename: %+v", p.rename)
	}
	if p := ok("delete", "-y", "a"); !p.delete.Yes || p.delete.Name != "a" {
		t.Errorf("delete: %+v", p.delete)
	}
	for _, bad := range [][]string{{"show"}, {"token"}, {"token", "a", "b"}, {"rename", "a"}, {"status", "a", "b"}, {"list", "x"}, {"delete"}, {"list", "--nope"}} {
		if _, err := parse(bad...); err == nil || exitCode(err) != ExitUsage {
			t.Errorf("%v: want a usage error, got %v", bad, err)
		}
	}
}

func TestConcurrentTokenProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	w := newWorld(t)
	w.create("shared")
	store, _ := profile.Open(w.dir)
	if err := store.Update("shared", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = time.Now().Add(-time.Minute)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	const n = 8
	outs := make([]bytes.Buffer, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join([]string{"--config-dir", w.dir, "--secrets", "file", "token", "shared"}, "\x1f"))
		cmd.Stdout, cmd.Stderr = &outs[i], os.Stderr
		wg.Go(func() { errs <- cmd.Run() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a token process failed: %v", err)
		}
	}
	first := outs[0].String()
	for i := range n {
		if outs[i].String() != first || !strings.HasPrefix(first, "access-") {
			t.Fatalf("process %d printed %q, process 0 %q: all must get the one refreshed token", i, outs[i].String(), first)
		}
	}
	_, sec, _ := store.Get("shared")
	if cur := w.fake.CurrentRefreshTokens(); len(cur) != 1 || cur[0] != sec.RefreshToken {
		t.Error("the store must end with the newest refresh token")
	}
	if w.fake.Refreshes() != 1 {
		t.Errorf("%d refreshes; one expired token needs one", w.fake.Refreshes())
	}
}

func TestSecretsInAWorkingKeyring(t *testing.T) {
	w := newWorld(t)
	kr := &testkit.MemKeyring{NotFound: profile.ErrNotInKeyring}
	run := func(stdin string, args ...string) result {
		var out, errOut bytes.Buffer
		root := newRootCmdWith(Streams{In: strings.NewReader(stdin), Out: &out, Err: &errOut}, nil,
			&rootOptions{keyring: kr, browser: &atltest.Browser{}})
		root.SetArgs(append([]string{"--config-dir", w.dir}, args...))
		code := ExitOK
		if err := root.Execute(); err != nil {
			fmt.Fprintln(&errOut, err)
			code = exitCode(err)
		}
		return result{code, out.String(), errOut.String()}
	}
	r := run(testClientSecret, w.newArgs("kept", "--client-secret-stdin", "--login", "--site", "acme-sandbox")...)
	if r.code != 0 || !strings.Contains(r.stderr, "the OS keyring") || !strings.Contains(r.stderr, "Default site: acme-sandbox") {
		t.Fatalf("%d\n%s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(w.dir, "secrets.toml"))
	if bytes.Contains(data, []byte(testClientSecret)) {
		t.Error("a keyring profile's secret is in secrets.toml")
	}
	if r := run("", "token", "kept"); r.code != 0 || !strings.HasPrefix(r.stdout, "access-") {
		t.Errorf("token from the keyring: %d %s", r.code, r.stderr)
	}
	if r := run("", "show", "kept"); !strings.Contains(r.stdout, "the OS keyring") || !strings.Contains(r.stdout, "Client secret      set") {
		t.Errorf("show: %s", r.stdout)
	}
	run("", "delete", "--yes", "kept")
	if kr.Len() != 0 {
		t.Errorf("delete leaves keyring entries: %d", kr.Len())
	}
}

func TestRehearsalProfilesFromTheCommandLine(t *testing.T) {
	w := newWorld(t)
	// A rehearsal profile whose server (authwiz demo) is gone.
	gone := httptest.NewServer(nil)
	gone.Close()
	demo, err := profile.Open(filepath.Join(w.dir, "rehearsal"))
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Create(profile.Profile{Name: "Demo", ClientID: atlserver.SampleClientID, RedirectURL: w.redirect,
		AuthURL: gone.URL + "/authorize", TokenURL: gone.URL + "/oauth/token", APIBaseURL: gone.URL, Scopes: []string{"read:confluence-user"}},
		profile.Secrets{ClientSecret: atlserver.SampleClientSecret, AccessToken: "still-valid", Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if r := w.run("", nil, "list"); !strings.Contains(r.stdout, "Demo (rehearsal)") {
		t.Errorf("list marks rehearsal profiles:\n%s", r.stdout)
	}
	if r := w.run("", nil, "token", "Demo"); r.code != ExitNotFound || !strings.Contains(r.stderr, "add --rehearsal") {
		t.Errorf("a rehearsal name without --rehearsal: %d %s", r.code, r.stderr)
	}
	r := w.run("", nil, "token", "--rehearsal", "Demo")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "only while `authwiz demo` is running") || strings.Contains(r.stdout, "still-valid") {
		t.Errorf("token of a rehearsal profile with the demo stopped: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = w.run("", nil, "status")
	if r.code != 0 || !strings.Contains(r.stdout, "`authwiz demo` is not running") {
		t.Errorf("a stopped rehearsal must not fail status of the real profiles: %d\n%s", r.code, r.stdout)
	}
}

func TestNewFlagsNeedNoInput(t *testing.T) {
	w := newWorld(t)
	r := w.run("", nil, "new", "--name", "x")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--name only work with --no-input") {
		t.Errorf("%d %s", r.code, r.stderr)
	}
	r = w.run(testClientSecret, nil, w.newArgs("odd id", "--client-secret-stdin", "--client-id", "short-id")...)
	if r.code != 0 || !strings.Contains(r.stderr, "Warning: Client ID: Client IDs are usually 32") {
		t.Errorf("warnings are said: %s", r.stderr)
	}
	r = w.run("", nil, "new", "--no-input", "--client-secret=")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "shell history") {
		t.Errorf("an empty --client-secret is refused too: %d %s", r.code, r.stderr)
	}
}

func TestNewNoInputArgs(t *testing.T) {
	parse := func(args ...string) *noInputOptions {
		t.Helper()
		o := &noInputOptions{}
		cmd := &cobra.Command{Use: "new", RunE: func(*cobra.Command, []string) error { return nil }}
		addNoInputFlags(cmd, o)
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		return o
	}
	d := parse("--no-input")
	if d.Name != profile.DefaultName || d.AppName != profile.DefaultAppName || d.RedirectURL != profile.DefaultRedirectURL ||
		d.AuthURL != atlassian.DefaultAuthURL || d.TokenURL != atlassian.DefaultTokenURL || d.APIURL != atlassian.DefaultAPIBaseURL {
		t.Errorf("defaults are the guide's and Atlassian's: %+v", d)
	}
	o := parse("--no-input", "--name", "n", "--client-id", "id", "--redirect-url", "r", "--auth-url", "a", "--token-url", "tk",
		"--api-url", "api", "--scopes", "s1 s2", "--app-name", "app", "--client-secret-file", "f", "--login", "--no-browser", "--site", "acme",
		"--from", "settings.toml", "--timeout", "90s")
	want := noInputOptions{NoInput: true, Name: "n", ClientID: "id", RedirectURL: "r", AuthURL: "a", TokenURL: "tk", APIURL: "api",
		Scopes: "s1 s2", AppName: "app", SecretFile: "f", Login: true, NoBrowser: true, Site: "acme", From: "settings.toml",
		Timeout: 90 * time.Second}
	o.secretFlag, o.changed = nil, nil
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("got %+v\nwant %+v", *o, want)
	}
	if o := parse("--client-secret-stdin"); !o.SecretStdin || o.secretFlag() {
		t.Errorf("stdin flag: %+v", o)
	}
}

// A second profile of the same app is saved with a warning: a consent on
// one would replace the grant the other holds.
func TestNewNoInputWarnsOfASharedClientID(t *testing.T) {
	w := newWorld(t)
	if r := w.run(testClientSecret, nil, w.newArgs("first", "--client-secret-stdin")...); r.code != 0 || strings.Contains(r.stderr, "also used by") {
		t.Fatalf("the first profile of an app: %d\n%s", r.code, r.stderr)
	}
	r := w.run(testClientSecret, nil, w.newArgs("second", "--client-secret-stdin")...)
	if r.code != 0 || !strings.Contains(r.stderr, `Warning: Client ID: This Client ID is also used by "first"`) {
		t.Errorf("the second profile of the same app: %d\n%s", r.code, r.stderr)
	}
}
