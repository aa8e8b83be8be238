package keyring

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// sessionDaemonNames are the programs an autolaunched session bus leaves
// running: dbus-launch's daemon and the keyring daemon the bus starts for
// the Secret Service (its name cut to 15 characters, as /proc keeps it).
var sessionDaemonNames = []string{"dbus-daemon", "dbus-launch", "gnome-keyring-d"}

// sessionDaemons counts this machine's session daemons, and returns the
// ones whose environment holds marker: started, directly or through a bus,
// by a process that had it.
func sessionDaemons(t *testing.T, marker string) (all int, ours []int) {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err != nil || !containsString(sessionDaemonNames, strings.TrimSpace(string(comm))) {
			continue
		}
		all++
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && bytes.Contains(environ, []byte(marker)) {
			ours = append(ours, pid)
		}
	}
	return all, ours
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// An authwiz run with no session bus address must not start one: godbus
// would run dbus-launch, whose bus and keyring daemon never exit.
func TestNoSessionBusStartsNoDaemons(t *testing.T) {
	if _, err := exec.LookPath("dbus-launch"); err != nil {
		failOrSkipWithoutSecretService(t, "dbus-launch is not installed (Debian: dbus-x11), so nothing could be autolaunched here")
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	marker := "AUTHWIZ_KEYRING_TEST_MARKER=" + hex.EncodeToString(b[:])
	allBefore, _ := sessionDaemons(t, marker)

	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := child(ctx, childSavesAProfile, dir, busAddressVar, marker)
	out, err := cmd.CombinedOutput()

	allAfter, ours := sessionDaemons(t, marker)
	for _, pid := range ours {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	if err != nil {
		t.Fatalf("the run failed: %v\n%s", err, out)
	}
	if len(ours) > 0 {
		t.Errorf("the run left %d session daemons behind (pids %v; session daemons on this machine before: %d, after: %d)", len(ours), ours, allBefore, allAfter)
	}
	if !strings.Contains(string(out), busAddressVar+" is not set") {
		t.Errorf("the keyring should count as unavailable, saying why; the run said:\n%s", out)
	}
	store, err := profile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p, _, err := store.Get(profileName); err != nil || p.SecretStorage != profile.StorageFile {
		t.Errorf("the profile should be saved with its secrets in the file: %q, %v", p.SecretStorage, err)
	}
}
