package oauthflow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/testkit"
)

// The test binary acts as one authwiz process asking for the token of
// profile "conf" in the store directory refreshChildEnv names, the way
// `authwiz token` does: Ctrl-C cancels its context. childNowEnv, when set,
// fixes its clock (RFC 3339).
const (
	refreshChildEnv = "AUTHWIZ_TEST_REFRESH_CHILD_STORE"
	childNowEnv     = "AUTHWIZ_TEST_REFRESH_CHILD_NOW"
)

func TestMain(m *testing.M) { testkit.RunMain(m, refreshChildEnv, refreshChild) }

func refreshChild(dir string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	store, err := profile.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf"}
	if now := os.Getenv(childNowEnv); now != "" {
		at, err := time.Parse(time.RFC3339, now)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		src.Now = func() time.Time { return at }
	}
	tok, err := src.TokenContext(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(tok.AccessToken)
	return 0
}

// child is one such process, started.
type child struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr bytes.Buffer
	exited chan error
}

func startChild(t *testing.T, store *profile.Store, env ...string) *child {
	t.Helper()
	c := &child{exited: make(chan error, 1)}
	c.cmd = testkit.Rerun(refreshChildEnv, store.Dir(), env...)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.exited <- c.cmd.Wait() }()
	t.Cleanup(func() { c.cmd.Process.Kill() })
	return c
}

func (c *child) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-c.exited:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("the process did not end")
		return nil
	}
}

// Eight processes find the same expired token at once. Atlassian refuses
// a rotated refresh token, so unless refresh and save happen under one
// claim, all but one would fail or lose the newest refresh token.
func TestEightProcessesRefreshAtOnce(t *testing.T) {
	w := newWorld(t)
	store, first := w.consentedStore(t)
	w.fake.SetTokenDelay(100 * time.Millisecond) // widen the race

	const processes = 8
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		tokens []string
	)
	for i := range processes {
		c := startChild(t, store)
		wg.Go(func() {
			if err := c.wait(t); err != nil {
				t.Errorf("process %d: %v\n%s", i, err, c.stderr.String())
				return
			}
			mu.Lock()
			tokens = append(tokens, strings.TrimSpace(c.stdout.String()))
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	distinct := slices.Compact(slices.Sorted(slices.Values(tokens)))
	if len(distinct) != 1 {
		t.Errorf("%d different access tokens handed out; all should share the one refresh's", len(distinct))
	}
	api := &atlassian.Client{BaseURL: w.srv.URL}
	for _, tok := range distinct {
		if _, err := api.AccessibleResources(context.Background(), tok); err != nil {
			t.Errorf("a process got a token that does not work: %v", err)
		}
	}
	saved := savedSecrets(t, store)
	current := w.fake.CurrentRefreshTokens()
	if len(current) != 1 || saved.RefreshToken != current[0] || saved.RefreshToken == first.RefreshToken {
		t.Errorf("the store does not end with the newest refresh token (%d valid at the server)", len(current))
	}
	if n := w.fake.Refreshes(); n != 1 {
		t.Errorf("%d refreshes; the processes after the first should have used the saved token", n)
	}
	if len(tokens) != processes {
		t.Errorf("%d of %d processes printed a token", len(tokens), processes)
	}
	if g, _ := store.ReadGrant(context.Background(), "conf"); g.Pending != nil {
		t.Error("a journal entry is left after every refresh was saved")
	}
}

// holdAnswers makes the server hold every refresh answer after rotating,
// until release is closed; rotated receives once the rotation happened.
func holdAnswers(t *testing.T, w *world) (rotated <-chan struct{}, release func()) {
	t.Helper()
	r, done := make(chan struct{}, 1), make(chan struct{})
	w.fake.HoldRefreshAnswers(func(ctx context.Context) {
		r <- struct{}{}
		select {
		case <-done:
		case <-ctx.Done():
		}
	})
	var once sync.Once
	release = func() { once.Do(func() { close(done) }) }
	t.Cleanup(release)
	return r, release
}

func waitRotated(t *testing.T, rotated <-chan struct{}) {
	t.Helper()
	select {
	case <-rotated:
	case <-time.After(60 * time.Second):
		t.Fatal("the refresh never reached the server")
	}
}

// SIGKILL while the server holds the rotated answer: nothing can save it.
// The journal lets the next call retry the old refresh token within
// Atlassian's reuse interval, and after it name the interrupted refresh
// rather than blame anything else.
func TestKilledDuringRefresh(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
	}{{"retried within the reuse interval", 5 * time.Minute}, {"named after it", 11 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.fake.SetRefreshReuseLeeway(oauthflow.ReuseInterval)
			store, _ := w.consentedStore(t)
			rotated, release := holdAnswers(t, w)
			sent := time.Now().UTC().Truncate(time.Second)
			c := startChild(t, store, childNowEnv+"="+sent.Format(time.RFC3339))
			waitRotated(t, rotated)
			if err := c.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			c.wait(t)
			release()

			src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf", Now: func() time.Time { return sent.Add(tc.after) }}
			tok, err := src.Token()
			if tc.after < oauthflow.ReuseInterval {
				if err != nil || w.fake.Refreshes() != 2 {
					t.Fatalf("retry: %v after %d refreshes", err, w.fake.Refreshes())
				}
				if !savedIsCurrent(t, w, store, tok) {
					t.Error("the retry's tokens were not saved")
				}
				if _, err := (&atlassian.Client{BaseURL: w.srv.URL}).AccessibleResources(context.Background(), tok.AccessToken); err != nil {
					t.Errorf("the retry's token does not work: %v", err)
				}
				return
			}
			msg := fmt.Sprint(err)
			if !errors.Is(err, oauthflow.ErrRefreshInterrupted) || !errors.Is(err, oauthflow.ErrRefreshRejected) ||
				!strings.Contains(msg, sent.Local().Format("2006-01-02 15:04:05")) || !strings.Contains(msg, "`authwiz login conf`") ||
				strings.Contains(msg, "90 days") {
				t.Fatalf("error = %v, want the interrupted refresh named, with its time and the way out", err)
			}
			if n := w.fake.Refreshes(); n != 1 {
				t.Errorf("%d refreshes: a reuse after the interval may revoke the grant and must not be tried", n)
			}
			list, _ := store.List()
			if _, state := list[0].TokenState(sent.Add(tc.after)); state != "needs consent (refresh interrupted)" {
				t.Errorf("listed as %q", state)
			}
			if _, again := src.Token(); !errors.Is(again, oauthflow.ErrRefreshInterrupted) || w.fake.Refreshes() != 1 {
				t.Errorf("the next call: %v", again)
			}
		})
	}
}
