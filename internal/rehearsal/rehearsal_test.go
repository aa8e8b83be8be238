package rehearsal

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit"
)

const redirect = "http://localhost:47613/callback"

func start(t *testing.T) *Server {
	t.Helper()
	s, err := Start(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	return s
}

// startKeeping starts a demo's server keeping its state in dir, as
// `authwiz demo` does; the test closes it.
func startKeeping(t *testing.T, dir string) *Server {
	t.Helper()
	s, err := Start(0, KeepIn(dir))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The rehearsal server refuses everything Atlassian's does: the same table
// the test server is held to.
func TestRefusesWhatAtlassianRefuses(t *testing.T) {
	s := start(t)
	app := atlserver.Sample(redirect).Apps[0]
	for _, tc := range atlserver.RefusalCases(app, redirect) {
		t.Run(tc.Name, func(t *testing.T) {
			testkit.WantRefused(t, tc.Request(s.BaseURL()), tc.WantStatus, tc.WantText)
		})
	}
}

func TestPortBusySaysWhatToDo(t *testing.T) {
	s := start(t)
	_, err := Start(s.Port())
	if err == nil || !strings.Contains(err.Error(), "--port") {
		t.Fatalf("second server on port %d: %v", s.Port(), err)
	}
}

func TestEndpoints(t *testing.T) {
	s := start(t)
	if s.AuthURL() != s.BaseURL()+"/authorize" || s.TokenURL() != s.BaseURL()+"/oauth/token" || s.APIBaseURL() != s.BaseURL() {
		t.Errorf("endpoints: %s %s %s", s.AuthURL(), s.TokenURL(), s.APIBaseURL())
	}
	if !strings.HasPrefix(s.BaseURL(), "http://127.0.0.1:") {
		t.Errorf("the rehearsal server listens on loopback only: %s", s.BaseURL())
	}
}

// Rehearsal and real profiles share nothing: the same name can live in
// both, deleting one leaves the other, and rehearsal credentials are
// refused in the real store.
func TestRehearsalProfilesAreIsolated(t *testing.T) {
	config := t.TempDir()
	real, err := profile.Open(config, profile.WithCheck(RefuseInReal))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := profile.Open(Dir(config))
	if err != nil {
		t.Fatal(err)
	}
	name := "OAuth2 confluence Authentication"
	if err := demo.Save(profile.Profile{Name: name, ClientID: ClientID}, profile.Secrets{ClientSecret: ClientSecret}); err != nil {
		t.Fatal(err)
	}
	if err := real.Save(profile.Profile{Name: name, ClientID: "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"}, profile.Secrets{ClientSecret: "ATOAreal"}); err != nil {
		t.Fatal(err)
	}
	if err := demo.Delete(name); err != nil {
		t.Fatal(err)
	}
	if p, sec, err := real.Get(name); err != nil || p.ClientID == ClientID || sec.ClientSecret != "ATOAreal" {
		t.Fatalf("deleting the rehearsal profile touched the real one: %+v %v", p, err)
	}
	if list, _ := real.List(); len(list) != 1 {
		t.Errorf("the real store lists rehearsal profiles: %v", list)
	}
	for _, tc := range []struct {
		p   profile.Profile
		sec profile.Secrets
	}{
		{profile.Profile{Name: "a", ClientID: ClientID}, profile.Secrets{ClientSecret: "ATOAreal"}},
		{profile.Profile{Name: "b", ClientID: "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"}, profile.Secrets{ClientSecret: ClientSecret}},
	} {
		if err := real.Save(tc.p, tc.sec); !errors.Is(err, ErrRehearsalValue) {
			t.Errorf("rehearsal values in a real profile: %v", err)
		}
	}
	if err := real.Update(name, func(p *profile.Profile, _ *profile.Secrets) error {
		p.ClientID = ClientID
		return nil
	}); !errors.Is(err, ErrRehearsalValue) {
		t.Errorf("editing a real profile to rehearsal values: %v", err)
	}
}

// Follow moves only the rehearsal server's endpoints, and only while a
// demo is running.
func TestFollowMovesOnlyEndpointsOnThisComputer(t *testing.T) {
	dir := t.TempDir()
	made := profile.Profile{Name: "Demo", RedirectURL: "http://localhost:47613/callback",
		AuthURL: "http://127.0.0.1:47620/authorize", TokenURL: "http://localhost:47620/oauth/token", APIBaseURL: "https://api.atlassian.com"}
	if got := Follow(made, dir); !reflect.DeepEqual(got, made) {
		t.Errorf("no demo running, yet the profile changed: %+v", got)
	}
	s := startKeeping(t, dir)
	defer s.Close()
	got := Follow(made, dir)
	want := made
	want.AuthURL, want.TokenURL = s.AuthURL(), s.TokenURL()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Follow:\n got %+v\nwant %+v", got, want)
	}
}

// What the demo keeps is private, and a kept state it cannot read stops it
// with the way out.
func TestKeptStateIsPrivateAndCheckedOnStart(t *testing.T) {
	dir := t.TempDir()
	s := startKeeping(t, dir)
	if err := s.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{stateFile, portFile} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o", name, info.Mode().Perm())
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stateFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Start(0, KeepIn(dir)); err == nil || !strings.Contains(err.Error(), "delete that file") {
		if s != nil {
			s.Close()
		}
		t.Errorf("a broken state file: %v", err)
	}
}
