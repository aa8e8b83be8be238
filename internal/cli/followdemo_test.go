package cli

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// startDemo starts the rehearsal server as `authwiz demo --port port` does
// for the config dir dir.
func startDemo(t *testing.T, dir string, port int) *rehearsal.Server {
	t.Helper()
	srv, err := rehearsal.Start(port, rehearsal.KeepIn(rehearsal.Dir(dir)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// authwiz demo on another port than a rehearsal profile was made with
// points the profile at itself before the wizard sees it.
func TestDemoMovesRehearsalProfilesToItsPort(t *testing.T) {
	w := newWorld(t)
	store, err := profile.Open(rehearsal.Dir(w.dir))
	if err != nil {
		t.Fatal(err)
	}
	old := "http://127.0.0.1:" + strconv.Itoa(testport.Free(t))
	if err := store.Create(profile.Profile{Name: "Demo", AppName: rehearsal.AppName, ClientID: rehearsal.ClientID,
		RedirectURL: atltest.RedirectURL(t), AuthURL: old + "/authorize", TokenURL: old + "/oauth/token", APIBaseURL: old,
		Scopes: []string{"offline_access"}}, profile.Secrets{ClientSecret: rehearsal.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	var seen profile.Profile
	var runningOn string
	wizard := func(_ context.Context, req launch.Request) error {
		seen, _, err = req.Store.Get("Demo")
		runningOn = req.Rehearsal.TokenURL
		return err
	}
	root := newRootCmdWith(Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, wizard, &rootOptions{})
	root.SetArgs([]string{"--config-dir", w.dir, "demo", "--port", strconv.Itoa(testport.Free(t))})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if seen.TokenURL != runningOn {
		t.Errorf("the wizard saw the profile's Token URL %s, the demo runs at %s", seen.TokenURL, runningOn)
	}
}

// A rehearsal profile made while the demo ran on one port keeps working
// when the demo runs again on another: token, status and login follow it,
// and status says whether the demo runs.
func TestRehearsalProfileFollowsTheDemoToAnotherPort(t *testing.T) {
	w := newWorld(t)
	first := startDemo(t, w.dir, 0)
	redirect := atltest.RedirectURL(t)
	if err := first.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	store, err := profile.Open(rehearsal.Dir(w.dir))
	if err != nil {
		t.Fatal(err)
	}
	const name = "Demo"
	if err := store.Create(profile.Profile{Name: name, AppName: rehearsal.AppName, ClientID: rehearsal.ClientID,
		RedirectURL: redirect, AuthURL: first.AuthURL(), TokenURL: first.TokenURL(), APIBaseURL: first.APIBaseURL(),
		Scopes: []string{"read:confluence-user", "offline_access"}}, profile.Secrets{ClientSecret: rehearsal.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	if r := w.run("", nil, "login", "--rehearsal", "--timeout", "20s", name); r.code != 0 {
		t.Fatalf("login in the first demo run: %d\n%s", r.code, r.stderr)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	r := w.run("", nil, "status", "--rehearsal", "--offline", name)
	if !strings.Contains(r.stdout, "demo      not running") {
		t.Errorf("status with no demo running:\n%s", r.stdout)
	}
	r = w.run("", nil, "login", "--rehearsal", "--timeout", "20s", name)
	if r.code != ExitAttention || !strings.Contains(r.stderr, "`authwiz demo`, which is not running") {
		t.Errorf("login with no demo running: %d\n%s", r.code, r.stderr)
	}

	port := testport.Free(t)
	for port == first.Port() {
		port = testport.Free(t)
	}
	second := startDemo(t, w.dir, port)
	if r := w.run("", nil, "token", "--rehearsal", name); r.code != 0 || r.stdout == "" {
		t.Errorf("token in the second demo run: %d\n%s", r.code, r.stderr)
	}
	r = w.run("", nil, "status", "--rehearsal", "--json", name)
	var statuses []profileStatus
	if err := json.Unmarshal([]byte(r.stdout), &statuses); err != nil || len(statuses) != 1 {
		t.Fatalf("status --json: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	if s := statuses[0]; s.Check.Result != "ok" || !strings.Contains(s.Demo, "running on 127.0.0.1:"+strconv.Itoa(port)) {
		t.Errorf("status in the second demo run: check %+v, demo %q", s.Check, s.Demo)
	}
	if r := w.run("", nil, "login", "--rehearsal", "--timeout", "20s", name); r.code != 0 {
		t.Errorf("login in the second demo run: %d\n%s", r.code, r.stderr)
	}
	p, _, err := store.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenURL != second.TokenURL() || p.AuthURL != second.AuthURL() || p.APIBaseURL != second.APIBaseURL() || p.RedirectURL != redirect {
		t.Errorf("the saved profile does not point at the running demo: %+v", p)
	}
}
