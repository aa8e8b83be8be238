package oauthflow_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// refreshChildEnv makes the test binary act as one authwiz process asking
// for the token of profile "conf" in the store directory it names.
const refreshChildEnv = "AUTHWIZ_TEST_REFRESH_CHILD_STORE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(refreshChildEnv); dir != "" {
		os.Exit(refreshChild(dir))
	}
	os.Exit(m.Run())
}

func refreshChild(dir string) int {
	store, err := profile.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tok, err := (&oauthflow.StoredTokenSource{Store: store, Profile: "conf"}).Token()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(tok.AccessToken)
	return 0
}

// Eight processes find the same expired token at once. Atlassian refuses
// a rotated refresh token, so unless refresh and save happen under one
// lock, all but one would fail or lose the newest refresh token.
func TestEightProcessesRefreshAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts eight processes")
	}
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), refreshChildEnv+"="+store.Dir())
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("process %d: %v\n%s", i, err, stderr.String())
				return
			}
			mu.Lock()
			tokens = append(tokens, strings.TrimSpace(stdout.String()))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	api := &atlassian.Client{BaseURL: w.srv.URL}
	for _, tok := range slices.Compact(slices.Sorted(slices.Values(tokens))) {
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
}
