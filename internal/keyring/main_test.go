package keyring

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/testkit"
)

// Some tests run this test binary again as a separate authwiz process:
// childModeVar says what it does there, on the store in childDirVar.
const (
	childModeVar = "AUTHWIZ_KEYRING_TEST_CHILD"
	childDirVar  = "AUTHWIZ_KEYRING_TEST_DIR"
)

func TestMain(m *testing.M) {
	testkit.RunMain(m, childModeVar, func(mode string) int {
		if err := runChild(mode, os.Getenv(childDirVar)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	})
}

const (
	childSavesAProfile = "save"
	childRefreshes     = "refresh"
	refreshesPerChild  = 5
	profileName        = "Confluence prod"
)

func runChild(mode, dir string) error {
	store, err := profile.Open(dir, profile.WithKeyring(System()))
	if err != nil {
		return err
	}
	switch mode {
	case childSavesAProfile:
		// What `authwiz new` does: ask where secrets can go, then save.
		fmt.Printf("keyring: %v\n", store.KeyringStatus())
		return store.Save(profile.Profile{Name: profileName}, tokensNumbered(0))
	case childRefreshes:
		for range refreshesPerChild {
			if err := store.Update(profileName, rotate); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

// tokensNumbered are the secrets after n refreshes. The access token is
// large, as Atlassian's can be, so each save spans several entries.
func tokensNumbered(n int) profile.Secrets {
	return profile.Secrets{
		ClientSecret: "ATOA-client-secret",
		AccessToken:  strings.Repeat(fmt.Sprintf("at-%d.é.", n), 600),
		RefreshToken: fmt.Sprintf("rt-%d", n),
	}
}

// rotate is a refresh as the token endpoint answers it: the saved refresh
// token is replaced by the next one, and a lost update would show as a
// count short of the number of refreshes.
func rotate(_ *profile.Profile, sec *profile.Secrets) error {
	n, err := strconv.Atoi(strings.TrimPrefix(sec.RefreshToken, "rt-"))
	if err != nil {
		return fmt.Errorf("saved refresh token %q: %w", sec.RefreshToken, err)
	}
	*sec = tokensNumbered(n + 1)
	return nil
}

// child runs this test binary as an authwiz process doing mode on dir,
// with env added to (or, as NAME without =, removed from) the environment.
func child(ctx context.Context, mode, dir string, env ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childModeVar+"="+mode, childDirVar+"="+dir)
	for _, e := range env {
		if name, _, ok := strings.Cut(e, "="); ok {
			cmd.Env = append(withoutVar(cmd.Env, name), e)
		} else {
			cmd.Env = withoutVar(cmd.Env, e)
		}
	}
	cmd.WaitDelay = time.Second
	return cmd
}

func withoutVar(environ []string, name string) []string {
	var kept []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, name+"=") {
			kept = append(kept, kv)
		}
	}
	return kept
}
