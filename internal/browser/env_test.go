package browser

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/testkit"
)

// recordEnvVar, when set, turns this test binary into a fake browser that
// writes the environment it was started with to the named file.
const recordEnvVar = "FAKE_BROWSER_RECORD_ENV"

func TestMain(m *testing.M) { testkit.RunMain(m, recordEnvVar, recordEnvironment) }

// recordEnvironment is the fake browser: it writes the environment it was
// started with to path.
func recordEnvironment(path string) int {
	if err := os.WriteFile(path, []byte(strings.Join(os.Environ(), "\n")), 0o600); err != nil {
		return 1
	}
	return 0
}

const secretValue = "ATOAclient-secret-from-the-environment"

// browserEnvironment opens a link with s, whose fake browser is this test
// binary, with the client secret and another authwiz variable in the
// environment, and returns the environment the browser started with.
func browserEnvironment(t *testing.T, s System) []string {
	t.Helper()
	record := filepath.Join(t.TempDir(), "environ")
	t.Setenv(recordEnvVar, record)
	t.Setenv("AUTHWIZ_CLIENT_SECRET", secretValue)
	t.Setenv("AUTHWIZ_CONFIG_DIR", t.TempDir())
	if err := s.Open("https://auth.atlassian.com/authorize?client_id=x"); err != nil {
		t.Fatalf("open: %v", err)
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the fake browser recorded nothing: %v", err)
	}
	return strings.Split(string(data), "\n")
}

func assertNoAuthwizVariables(t *testing.T, environ []string) {
	t.Helper()
	for _, kv := range environ {
		if strings.HasPrefix(strings.ToUpper(kv), "AUTHWIZ_") || strings.Contains(kv, secretValue) {
			t.Errorf("the browser inherited %q", kv)
		}
	}
	if !containsName(environ, recordEnvVar) {
		t.Errorf("the browser lost the rest of the environment: %q", environ)
	}
}

func containsName(environ []string, name string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

func TestBrowserVariableProgramGetsNoSecrets(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(self, ' ') {
		t.Skipf("$BROWSER entries are split on spaces and this test binary's path has one: %s", self)
	}
	env := map[string]string{"BROWSER": self, "DISPLAY": ":0"}
	s := System{Getenv: func(k string) string { return env[k] }}
	assertNoAuthwizVariables(t, browserEnvironment(t, s))
}

func TestPlatformOpenerGetsNoSecrets(t *testing.T) {
	name, _ := platformCommand("https://example.com")
	bin := t.TempDir()
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	copyExecutable(t, filepath.Join(bin, name))
	t.Setenv("PATH", bin)
	env := map[string]string{"DISPLAY": ":0"}
	s := System{Getenv: func(k string) string { return env[k] }}
	assertNoAuthwizVariables(t, browserEnvironment(t, s))
}

// copyExecutable puts a copy of this test binary at path, standing in for
// the platform's opener.
func copyExecutable(t *testing.T, path string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOwnVariablesAreDroppedWhateverTheirCase(t *testing.T) {
	environ := []string{"AUTHWIZ_CLIENT_SECRET=s", "authwiz_client_secret=s", "Authwiz_Config_Dir=/x", "AUTHWIZ=kept", "MY_AUTHWIZ_X=kept", "PATH=/bin", "A"}
	got := withoutOwnVariables(environ)
	want := []string{"AUTHWIZ=kept", "MY_AUTHWIZ_X=kept", "PATH=/bin", "A"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("kept %q, want %q", got, want)
	}
}
