//go:build !windows

package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// wantUnsafe opens dir and wants it refused for path, naming fix.
func wantUnsafe(t *testing.T, dir, path, fix string) {
	t.Helper()
	_, err := Open(dir)
	var ue *UnsafeError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnsafe) {
		t.Fatalf("want an *UnsafeError, got %v", err)
	}
	if ue.Path != path || !strings.Contains(err.Error(), fix) {
		t.Errorf("the refusal must name %s and the fix %q: %v", path, fix, err)
	}
}

func TestWritableConfigDirRefused(t *testing.T) {
	defer func(orig func(uint32) bool) { userPrivateGroup = orig }(userPrivateGroup)
	for _, tc := range []struct {
		name         string
		mode         os.FileMode
		privateGroup bool
		refused      bool
	}{
		{"world-writable", 0o777, true, true},
		{"world-writable with the sticky bit", 0o1777, true, true},
		{"group-writable, a shared group", 0o770, false, true},
		{"group-writable, the user's private group", 0o770, true, false},
		{"readable by others only", 0o755, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			userPrivateGroup = func(uint32) bool { return tc.privateGroup }
			s := savedStore(t)
			if err := os.Chmod(s.Dir(), tc.mode); err != nil {
				t.Fatal(err)
			}
			if tc.refused {
				wantUnsafe(t, s.Dir(), s.Dir(), `chmod go-w "`+s.Dir()+`"`)
				return
			}
			if _, err := Open(s.Dir()); err != nil {
				t.Fatalf("a directory no one else may write is fine: %v", err)
			}
		})
	}
}

func TestWritableFileRefused(t *testing.T) {
	s := savedStore(t)
	for _, name := range []string{settingsFileName, secretsFileName + backupSuffix} {
		path := filepath.Join(s.Dir(), name)
		if err := os.Chmod(path, 0o606); err != nil {
			t.Fatal(err)
		}
		wantUnsafe(t, s.Dir(), path, `chmod go-w "`+path+`"`)
		if err := os.Chmod(path, privateFile); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigDirOfAnotherUserRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a directory to another user needs root")
	}
	const nobody = 65534
	s := savedStore(t)
	settings := filepath.Join(s.Dir(), settingsFileName)
	if err := os.Chown(settings, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	// Root meets a file of another user as any user meets root's.
	wantUnsafe(t, s.Dir(), settings, "sudo -u nobody authwiz")
	if err := os.Chown(settings, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(s.Dir(), nobody, nobody); err != nil {
		t.Fatal(err)
	}
	wantUnsafe(t, s.Dir(), s.Dir(), "is owned by")
}

func TestReadableBackupNoticedAndMadePrivate(t *testing.T) {
	s := savedStore(t)
	backup := filepath.Join(s.Dir(), secretsFileName+backupSuffix)
	if err := os.Chmod(backup, 0o644); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if w := reopened.Warnings(); len(w) != 1 || !strings.Contains(w[0], backup) || !strings.Contains(w[0], "next change") {
		t.Fatalf("a readable backup must be reported, got %q", w)
	}
	p, sec := fullProfile()
	sec.RefreshToken = "refresh-3"
	if err := reopened.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	// The backup has moved on: whatever holds its old content is private.
	for _, path := range backupsOf(filepath.Join(s.Dir(), secretsFileName)) {
		assertMode(t, path, privateFile)
	}
	again, err := Open(s.Dir())
	if err != nil || len(again.Warnings()) != 0 {
		t.Errorf("after the save nothing is readable by others: %v %q", err, again.Warnings())
	}
}

// Only a file that may hold secrets is said to need a new client secret;
// a lock that is not a file is left to the lock's own, clearer error.
func TestReadableWarningsSayWhatTheFileHolds(t *testing.T) {
	s := savedStore(t)
	settings, secrets := filepath.Join(s.Dir(), settingsFileName+backupSuffix), filepath.Join(s.Dir(), secretsFileName+backupSuffix)
	for _, path := range []string{settings, secrets} {
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lock := filepath.Join(s.Dir(), lockFileName)
	if err := os.Remove(lock); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(lock, 0o644); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(reopened.Warnings(), "\n")
	for _, line := range reopened.Warnings() {
		switch {
		case strings.HasPrefix(line, settings) && strings.Contains(line, "client secret"):
			t.Errorf("profiles.toml holds no secret, yet: %s", line)
		case strings.HasPrefix(line, secrets) && !strings.Contains(line, "reset the client secret"):
			t.Errorf("a readable copy of secrets.toml must say to reset the client secret: %s", line)
		case strings.HasPrefix(line, lock):
			t.Errorf("the lock's own error says what is wrong with it: %s", line)
		}
	}
	if !strings.Contains(warnings, settings) || !strings.Contains(warnings, secrets) {
		t.Errorf("both readable backups must be reported:\n%s", warnings)
	}
}
