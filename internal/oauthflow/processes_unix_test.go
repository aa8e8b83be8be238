//go:build !windows

package oauthflow_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
)

// Ctrl-C or SIGTERM while the server holds the rotated answer: the process
// waits for the answer, saves it, then stops as asked; the next call works.
func TestSignalDuringRefreshLosesNothing(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			w := newWorld(t)
			store, _ := w.consentedStore(t)
			rotated, release := holdAnswers(t, w)
			c := startChild(t, store)
			waitRotated(t, rotated)
			if err := c.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			// Unheld, the signal ends the process at once: give it the time.
			select {
			case err := <-c.exited:
				t.Fatalf("the process ended before its answer came (%v): %s", err, c.stderr.String())
			case <-time.After(300 * time.Millisecond):
			}
			release()
			err := c.wait(t)
			if err == nil || c.stdout.Len() != 0 {
				t.Errorf("the process should stop as asked, printing no token: %v %q", err, c.stdout.String())
			}
			if !savedIsCurrent(t, w, store, nil) {
				t.Fatalf("the rotated refresh token was not saved: %s", c.stderr.String())
			}
			if _, err := (&oauthflow.StoredTokenSource{Store: store, Profile: "conf"}).Token(); err != nil || w.fake.Refreshes() != 1 {
				t.Errorf("next call: %v, after %d refreshes", err, w.fake.Refreshes())
			}
		})
	}
}
