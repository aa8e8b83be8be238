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
