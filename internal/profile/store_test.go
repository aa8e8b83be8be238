package profile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/testkit"
)

// The store is exercised from separate processes by re-running this test
// binary with helperEnv set: "dir|prefix|count" saves count profiles.
const helperEnv = "AUTHWIZ_PROFILE_TEST_HELPER"

func TestMain(m *testing.M) { testkit.RunMain(m, helperEnv, runSaveHelper) }

func runSaveHelper(spec string) int {
	parts := strings.Split(spec, "|")
	n, _ := strconv.Atoi(parts[2])
	s, err := Open(parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := saveConcurrently(s, parts[1], n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func saveConcurrently(s *Store, prefix string, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("%s-%02d", prefix, i)
			errs <- s.Save(Profile{Name: name, ClientID: name}, Secrets{ClientSecret: "secret-" + name})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

var fixedNow = time.Date(2026, 11, 28, 15, 4, 5, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "authwiz")
	// Tests that write files by hand need the directory the first save
	// would create.
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fullProfile() (Profile, Secrets) {
	p, sec := fullProfileParts()
	p.Tokens = TokensOf(sec)
	return p, sec
}

func fullProfileParts() (Profile, Secrets) {
	site := Site{CloudID: "1324a887-45db-1bf4-1e99-ef0ff456d421", Name: "acme", URL: "https://acme.atlassian.net", Scopes: []string{"read:confluence-user"}}
	return Profile{
			Name:          "OAuth2 confluence Authentication",
			Type:          TypeOAuth2,
			AppName:       "OAuth Connection Workspace365 Integration Builder",
			RedirectURL:   "http://localhost:47613/callback",
			ClientID:      "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
			AuthURL:       "https://auth.atlassian.com/authorize",
			TokenURL:      "https://auth.atlassian.com/oauth/token",
			APIBaseURL:    "https://api.atlassian.com",
			Scopes:        []string{"read:confluence-user", "offline_access"},
			Site:          site,
			Sites:         []Site{site, {CloudID: "2", Name: "beta", URL: "https://beta.atlassian.net"}},
			TokensStale:   true,
			SecretStorage: StorageFile,
			CreatedAt:     fixedNow,
			UpdatedAt:     fixedNow,
		}, Secrets{
			ClientSecret:    "ATOAsecretvalue",
			AccessToken:     "access-1",
			RefreshToken:    "refresh-1",
			TokenType:       "Bearer",
			Expiry:          fixedNow.Add(time.Hour),
			GrantedScopes:   []string{"read:confluence-user", "offline_access"},
			RefreshIssuedAt: fixedNow,
			AccessIssuedAt:  fixedNow,
			ConsentedAt:     fixedNow.Add(-24 * time.Hour),
		}
}

func TestRoundTripEveryField(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	// A second store on the same directory reads what the first wrote.
	again, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	gotP, gotS, err := again.Get(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotP, p) {
		t.Errorf("profile round trip:\n got %+v\nwant %+v", gotP, p)
	}
	if !reflect.DeepEqual(gotS, sec) {
		t.Errorf("secrets did not round trip")
	}
	if _, _, err := again.Get("oauth2 CONFLUENCE authentication"); err != nil {
		t.Errorf("names are found without regard to case: %v", err)
	}
}

func TestSecretsNeverInSettingsFile(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	settings, err := os.ReadFile(filepath.Join(s.Dir(), settingsFileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{sec.ClientSecret, sec.AccessToken, sec.RefreshToken} {
		if bytes.Contains(settings, []byte(secret)) {
			t.Errorf("profiles.toml contains a secret value")
		}
	}
	secrets, err := os.ReadFile(filepath.Join(s.Dir(), secretsFileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(secrets, []byte(sec.RefreshToken)) {
		t.Errorf("secrets.toml lacks the refresh token")
	}
	if got := fmt.Sprintf("%v %+v %#v %s", sec, sec, sec, sec); strings.Contains(got, sec.ClientSecret) {
		t.Errorf("formatting Secrets leaks them: %s", got)
	}
}

func TestPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows protects the files with the user profile's ACL, not mode bits")
	}
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(p, sec); err != nil { // a second save makes the backups
		t.Fatal(err)
	}
	p.Name = "other"
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	assertMode(t, s.Dir(), 0o700)
	entries, _ := os.ReadDir(s.Dir())
	for _, e := range entries {
		assertMode(t, filepath.Join(s.Dir(), e.Name()), 0o600)
	}
	for _, name := range []string{settingsFileName, secretsFileName, settingsFileName + backupSuffix, secretsFileName + backupSuffix, lockFileName} {
		if _, err := os.Stat(filepath.Join(s.Dir(), name)); err != nil {
			t.Errorf("expected %s: %v", name, err)
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

func TestLooseSecretsFileRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits carry no meaning on Windows")
	}
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Dir(), secretsFileName)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(p.Name)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("want a refusal naming the fix, got %v", err)
	}
	if err := s.Save(p, sec); err == nil {
		t.Fatal("saving over a loose secrets file must be refused too")
	}
	if err := os.Chmod(filepath.Join(s.Dir(), settingsFileName), 0o644); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if w := reopened.Warnings(); len(w) != 1 || !strings.Contains(w[0], "chmod 600") {
		t.Errorf("a readable settings file is reported with its fix, got %q", w)
	}
}

func TestLeftoverTempFileIgnoredThenCleaned(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	// A crash between writing the temp file and renaming it leaves this.
	leftover := filepath.Join(s.Dir(), "."+settingsFileName+tempMarker+"123456")
	if err := os.WriteFile(leftover, []byte("schema_version = 1\n[[profile]]\nname = \"half"), 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 || list[0].Name != p.Name {
		t.Fatalf("List after a crash: %v %v", list, err)
	}
	p.Name = "second"
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("the next write should remove the leftover temp file: %v", err)
	}
}

func TestUnreadableFilesAreRefusedAndLeftAlone(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"syntax error", settingsFileName, "schema_version = 1\n\n[[profile]\nname = \"x\"\n", "line 3"},
		{"empty settings", settingsFileName, "", "empty"},
		{"blank settings", settingsFileName, "  \n\n", "empty"},
		{"empty secrets", secretsFileName, "", "empty"},
		{"newer schema", settingsFileName, "schema_version = 99\n", "newer authwiz"},
		{"no schema", settingsFileName, "[[profile]]\nname = \"a\"\n", "schema_version is missing"},
		{"duplicate names", settingsFileName, "schema_version = 1\n[[profile]]\nname = \"a\"\n[[profile]]\nname = \"A\"\n", "used by two profiles"},
		{"secrets syntax", secretsFileName, "schema_version = 1\n[secrets.\"a\"\nclient_secret = 1\n", "line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			path := filepath.Join(s.Dir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			p, sec := fullProfile()
			err := s.Save(p, sec)
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("want a ParseError, got %v", err)
			}
			msg := err.Error()
			for _, want := range []string{path, tc.want, "authwiz restore"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if got, _ := os.ReadFile(path); string(got) != tc.content {
				t.Errorf("the unreadable file was changed to %q", got)
			}
			if _, err := s.List(); tc.file == settingsFileName && err == nil {
				t.Errorf("List must refuse too")
			}
		})
	}
}

func TestRestoreFromBackup(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	second := p
	second.Name = "second"
	if err := s.Save(second, sec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Dir(), settingsFileName)
	damaged := []byte("schema_version = 1\n[[profile]]\nname = \"x\n")
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	plan, err := s.PlanRestore(nil)
	if err != nil {
		t.Fatal(err)
	}
	var perr *ParseError
	if len(plan.Damage.Unreadable) != 1 || !errors.As(plan.Damage.Unreadable[0], &perr) || perr.Path != path {
		t.Fatalf("the plan must name the unreadable file: %+v", plan.Damage)
	}
	if len(plan.Candidates) == 0 || !plan.Candidates[0].Profiles[0].PutBack {
		t.Fatalf("the newest backup puts the profile back: %+v", plan.Candidates)
	}
	res, err := s.Restore(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if kept, _ := os.ReadFile(res.KeptAs[path]); !bytes.Equal(kept, damaged) {
		t.Errorf("the damaged file must be kept, got %q", kept)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	// The backup is the file as it was before the last write: one profile.
	if len(list) != 1 || list[0].Name != p.Name {
		t.Errorf("after restore: %v", list)
	}
	if _, got, err := s.Get(p.Name); err != nil || got.RefreshToken != sec.RefreshToken {
		t.Errorf("secrets survive the restore: %v", err)
	}
	if _, err := s.Restore(1, nil); err == nil || !strings.Contains(err.Error(), "nothing to restore") {
		t.Errorf("a sound store has nothing to restore: %v", err)
	}
}

func TestRenameUpdateDelete(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	other := p
	other.Name = "other"
	for _, pr := range []Profile{p, other} {
		if err := s.Create(pr, sec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create(p, sec); !errors.Is(err, ErrExists) {
		t.Errorf("Create over an existing name: %v", err)
	}
	if err := s.Rename(p.Name, "OTHER"); !errors.Is(err, ErrExists) {
		t.Errorf("rename onto a taken name (other case): %v", err)
	}
	if err := s.Rename(p.Name, "renamed"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(p.Name); !errors.Is(err, ErrNotFound) {
		t.Errorf("old name still found: %v", err)
	}
	got, gotSec, err := s.Get("renamed")
	if err != nil || got.ClientID != p.ClientID || gotSec.RefreshToken != sec.RefreshToken {
		t.Fatalf("rename must keep settings and secrets: %+v %v", got, err)
	}
	if got.CreatedAt != p.CreatedAt {
		t.Errorf("rename must keep CreatedAt")
	}

	before, _, _ := s.Get("renamed")
	if err := s.Update("renamed", func(_ *Profile, sec *Secrets) error {
		sec.AccessToken = "access-2"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := s.Get("renamed"); !reflect.DeepEqual(before, after) {
		t.Errorf("a secrets-only update must not change the settings: %+v", after)
	}
	if _, sec2, _ := s.Get("renamed"); sec2.AccessToken != "access-2" {
		t.Errorf("update lost: %q", sec2.AccessToken)
	}
	boom := errors.New("boom")
	if err := s.Update("renamed", func(p *Profile, sec *Secrets) error {
		p.AppName, sec.RefreshToken = "changed", "lost"
		return boom
	}); !errors.Is(err, boom) {
		t.Errorf("fn's error is returned: %v", err)
	}
	if p2, sec2, _ := s.Get("renamed"); p2.AppName == "changed" || sec2.RefreshToken == "lost" {
		t.Errorf("a failed update must write nothing")
	}

	if err := s.Delete("renamed"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("renamed"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	secrets, _ := os.ReadFile(filepath.Join(s.Dir(), secretsFileName))
	if bytes.Contains(secrets, []byte("renamed")) || bytes.Contains(secrets, []byte(`"`+p.Name+`"`)) {
		t.Errorf("deleted and renamed profiles leave no secrets behind:\n%s", secrets)
	}
	if list, _ := s.List(); len(list) != 1 || list[0].Name != "other" {
		t.Errorf("left: %v", list)
	}
}

func TestConcurrentProcessesLoseNothing(t *testing.T) {
	s := openTest(t)
	const procs, perProc = 4, 20
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	for i := range procs {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|proc%d|%d", helperEnv, s.Dir(), i, perProc))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// This process joins in with its own goroutines.
	if err := saveConcurrently(s, "parent", perProc); err != nil {
		t.Error(err)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper process: %v", err)
		}
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if want := (procs + 1) * perProc; len(list) != want {
		t.Fatalf("%d profiles saved, want %d", len(list), want)
	}
	for _, p := range list {
		if _, sec, err := s.Get(p.Name); err != nil || sec.ClientSecret != "secret-"+p.Name {
			t.Errorf("%s: secret %v", p.Name, err)
		}
	}
}

func TestDrafts(t *testing.T) {
	s := openTest(t)
	if _, ok, err := s.LoadDraft(); ok || err != nil {
		t.Fatalf("no draft yet: %v %v", ok, err)
	}
	p, _ := fullProfile()
	d := Draft{Profile: p, Step: 7, EditOf: "old name"}
	if err := s.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.LoadDraft()
	if err != nil || !ok || !reflect.DeepEqual(got, d) {
		t.Fatalf("draft round trip: %+v %v %v", got, ok, err)
	}
	if err := s.DeleteDraft(); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.LoadDraft(); ok {
		t.Errorf("draft still there after delete")
	}
	if err := s.DeleteDraft(); err != nil {
		t.Errorf("deleting no draft: %v", err)
	}
}

func TestConfigDir(t *testing.T) {
	userDir := func() (string, error) { return "/home/u/.config", nil }
	noUserDir := func() (string, error) { return "", errors.New("$HOME is not defined") }
	for _, tc := range []struct {
		name string
		env  map[string]string
		user func() (string, error)
		want string
		err  string
	}{
		{"override", map[string]string{"AUTHWIZ_CONFIG_DIR": "/srv/aw", "XDG_CONFIG_HOME": "/x"}, userDir, "/srv/aw", ""},
		{"xdg", map[string]string{"XDG_CONFIG_HOME": "/x"}, userDir, filepath.Join("/x", "authwiz"), ""},
		{"os default", nil, userDir, filepath.Join("/home/u/.config", "authwiz"), ""},
		{"nothing", nil, noUserDir, "", "AUTHWIZ_CONFIG_DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := configDir(func(k string) string { return tc.env[k] }, tc.user)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error mentioning %s, got %v", tc.err, err)
				}
				return
			}
			want, _ := filepath.Abs(tc.want)
			if err != nil || got != want {
				t.Errorf("got %q %v, want %q", got, err, want)
			}
		})
	}
}
