package profile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A wait on a lock is bounded and names the process it waited for.
func TestLockWaitNamesTheHolder(t *testing.T) {
	s := openTest(t)
	s.lockTimeout = 100 * time.Millisecond
	unlock, err := s.dirLock().acquire(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.List()
	unlock()
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) {
		t.Fatalf("List while another holds the lock: %v, want a BusyError", err)
	}
	for _, want := range []string{fmt.Sprintf("PID %d", os.Getpid()), filepath.Base(os.Args[0]), s.Dir(), "end that process if it is stuck"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if _, err := s.List(); err != nil {
		t.Errorf("List after the holder let go: %v", err)
	}
	if _, err := os.Stat(s.dirLock().holderPath()); !os.IsNotExist(err) {
		t.Errorf("the holder's note outlives its lock: %v", err)
	}
}

func TestHolderIsShownSafely(t *testing.T) {
	h := Holder{PID: 7, Command: "authwiz token \x1b]0;pwned\x07prod" + strings.Repeat("x", 200)}
	got := h.String()
	if strings.ContainsAny(got, "\x1b\x07") || len([]rune(got)) > 150 || !strings.HasPrefix(got, "PID 7, `authwiz token ?]0;pwned?prod") {
		t.Errorf("holder shown as %q", got)
	}
}

func TestOpenWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List of a directory not made yet: %v %v", list, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("opening and listing created %s: %v", dir, err)
	}
}

// WithLock's lock is as bounded and as plain about its holder as the
// store's, and fn never runs without it.
func TestWithLockWaitsBoundedlyAndNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config", "list.lock")
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- WithLock(path, "the list", time.Minute, func() error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	ran := false
	err := WithLock(path, "the list", 100*time.Millisecond, func() error { ran = true; return nil })
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var busy *BusyError
	if !errors.As(err, &busy) || ran {
		t.Fatalf("WithLock while another holds it: %v (fn ran: %v), want a BusyError and fn not run", err, ran)
	}
	for _, want := range []string{fmt.Sprintf("PID %d", os.Getpid()), "the list", "end that process if it is stuck"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if err := WithLock(path, "the list", 0, func() error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("WithLock after the holder let go: %v (fn ran: %v)", err, ran)
	}
}
