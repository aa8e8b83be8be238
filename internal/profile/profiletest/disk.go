// Package profiletest gives tests directories that fail the way real disks
// do: full, or read-only.
package profiletest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// SmallDisk mounts a tmpfs of size (e.g. "256k") and returns its path; it
// is unmounted when the test ends. The test is skipped, saying why, where
// that cannot be done (not Linux, not root, no mount permission).
func SmallDisk(t testing.TB, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("a small disk is a tmpfs, which only Linux has")
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// ReadOnly remounts a SmallDisk read-only.
func ReadOnly(t testing.TB, dir string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s read-only: %v: %s", dir, err, out)
	}
}

// Writable remounts a SmallDisk made ReadOnly writable again.
func Writable(t testing.TB, dir string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,rw", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s writable: %v: %s", dir, err, out)
	}
}

// Fill writes to a file in dir until the disk is full, and returns a
// function that frees the space again. It may be called from any
// goroutine: a failure is reported with t.Errorf.
func Fill(t testing.TB, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	free = func() { os.Remove(path) }
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Errorf("fill %s: %v", dir, err)
		return free
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("fill %s: %v", dir, err)
			}
			break
		}
	}
	// Leftover bytes smaller than a block would let a tiny write through.
	for {
		if _, err := f.Write(block[:1]); err != nil {
			break
		}
	}
	return free
}
