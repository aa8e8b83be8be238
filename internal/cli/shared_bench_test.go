package cli

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/profile"
)

// benchBinaryEnv names a built authwiz for BenchmarkTokenProcess, which
// .ci/bench-shared-token sets.
const benchBinaryEnv = "AUTHWIZ_BENCH_BINARY"

// BenchmarkTokenProcess is `authwiz token` as a whole process with a valid
// access token, kept on this host (local) or in a shared store (shared).
func BenchmarkTokenProcess(b *testing.B) {
	bin := os.Getenv(benchBinaryEnv)
	if bin == "" {
		b.Skipf("set %s to a built authwiz (.ci/bench-shared-token does)", benchBinaryEnv)
	}
	local, shared := b.TempDir(), b.TempDir()
	for _, dir := range []string{local, shared} {
		seedValidProfile(b, dir)
	}
	dsn := pgtest.Own(b).Database(b)
	if out, err := authwiz(bin, shared, "share", "conf", "--to", dsn); err != nil {
		b.Fatalf("share: %v\n%s", err, out)
	}
	for _, c := range []struct{ name, dir string }{{"local", local}, {"shared", shared}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if out, err := authwiz(bin, c.dir, "token", "conf"); err != nil {
					b.Fatalf("token: %v\n%s", err, out)
				}
			}
		})
	}
}

func seedValidProfile(b *testing.B, dir string) {
	b.Helper()
	store, err := profile.Open(dir, profile.WithSecretStorage(profile.StorageFile))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	err = store.Create(profile.Profile{
		Name: "conf", ClientID: testClientID, RedirectURL: "http://localhost:8765/callback",
		AuthURL: "https://auth.atlassian.com/authorize", TokenURL: "https://auth.atlassian.com/oauth/token",
		APIBaseURL: profile.DefaultAPIBaseURL, Scopes: []string{"read:confluence-user", "offline_access"}, SecretStorage: profile.StorageFile,
	}, profile.Secrets{ClientSecret: testClientSecret, AccessToken: "access-bench", RefreshToken: "refresh-bench", TokenType: "Bearer",
		AccessIssuedAt: now, Expiry: now.Add(time.Hour), ConsentedAt: now, RefreshIssuedAt: now})
	if err != nil {
		b.Fatal(err)
	}
}

func authwiz(bin, dir string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, append([]string{"--config-dir", dir, "--secrets", "file"}, args...)...)
	return cmd.CombinedOutput()
}
