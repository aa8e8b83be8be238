//go:build !windows

package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// withinSeconds fails the test when fn has not returned in a few seconds:
// the bug it guards against is a wait for ever.
func withinSeconds(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s hangs", what)
		return nil
	}
}

func wantLockFileError(t *testing.T, err error, path, kind string) {
	t.Helper()
	var le *LockFileError
	if !errors.As(err, &le) || !errors.Is(err, ErrLockFile) || le.Path != path {
		t.Fatalf("want a *LockFileError for %s, got %v", path, err)
	}
	if !strings.Contains(err.Error(), kind) || !strings.Contains(err.Error(), `rm "`+path+`"`) {
		t.Errorf("the error must say what the file is and how to clear it: %v", err)
	}
}

func TestFIFOLockFileIsAnError(t *testing.T) {
	s := savedStore(t)
	lock := s.path(lockFileName)
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(lock, privateFile); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	err := withinSeconds(t, "List with a FIFO as its lock", func() error { _, err := s.List(); return err })
	wantLockFileError(t, err, lock, "named pipe")
	p, sec := fullProfile()
	err = withinSeconds(t, "Save with a FIFO as its lock", func() error { return s.Save(p, sec) })
	wantLockFileError(t, err, lock, "named pipe")
}

func TestSymlinkLockFileIsAnError(t *testing.T) {
	s := savedStore(t)
	lock := s.path(lockFileName)
	outside := filepath.Join(t.TempDir(), "planted")
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, lock); err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	wantLockFileError(t, s.Save(p, sec), lock, "symbolic link")
	_, err := s.List()
	wantLockFileError(t, err, lock, "symbolic link")
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Errorf("the link's target was created outside the directory: %v", err)
	}
}

func TestHolderNoteIsNeverFollowedOrWaitedOn(t *testing.T) {
	s := openTest(t)
	note := s.dirLock().holderPath()
	if err := syscall.Mkfifo(note, privateFile); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	withinSeconds(t, "reading a FIFO holder note", func() error {
		if h := readHolder(note); h != (Holder{}) {
			t.Errorf("a FIFO note read as %+v", h)
		}
		return nil
	})
	os.Remove(note)
	outside := filepath.Join(t.TempDir(), "planted")
	if err := os.Symlink(outside, note); err != nil {
		t.Fatal(err)
	}
	writeHolder(note)
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Errorf("writing the note followed a link out of the directory: %v", err)
	}
}

// The space a refresh reserves later takes a file's place: a link or a
// pipe where it goes is an error, never followed or waited on.
func TestReserveRefusesLinksAndPipes(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "planted")
	link := filepath.Join(dir, "link"+reserveSuffix)
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	if f, err := reserve(link, 100); err == nil {
		f.Close()
		t.Error("reserved space through a link")
	}
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Errorf("the link's target was created: %v", err)
	}
	pipe := filepath.Join(dir, "pipe"+reserveSuffix)
	if err := syscall.Mkfifo(pipe, privateFile); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	err := withinSeconds(t, "reserving space in a FIFO", func() error {
		f, err := reserve(pipe, 100)
		if err == nil {
			f.Close()
		}
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not an ordinary file") {
		t.Errorf("a FIFO: %v", err)
	}
}
