package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// TestRestoreEndToEnd cuts secrets.toml back to a prefix that still reads,
// as a crash or a careless edit can, and walks what a user then meets: the
// refusal naming restore, a save that must not run over the damage, and
// restore bringing the consented profile back to work.
func TestRestoreEndToEnd(t *testing.T) {
	w := newWorld(t)
	w.create("p")
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	// Expired, so the token call after the restore has to spend the
	// restored refresh token at the server; twice, so that the newest
	// backup holds an expired copy too.
	for _, ago := range []time.Duration{2 * time.Hour, time.Hour} {
		if err := store.Update("p", func(_ *profile.Profile, sec *profile.Secrets) error {
			sec.Expiry = time.Now().Add(-ago)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, orig, err := store.Get("p")
	if err != nil || orig.ClientSecret != testClientSecret || orig.RefreshToken == "" {
		t.Fatalf("the profile has no consent to lose: %v", err)
	}

	secretsPath := filepath.Join(w.dir, "secrets.toml")
	data, err := os.ReadFile(secretsPath)
	cut := strings.Index(string(data), "[secrets]\n")
	if err != nil || cut < 0 {
		t.Fatalf("no [secrets] table in %s: %v", secretsPath, err)
	}
	// Everything up to the table header: the file still reads, and holds
	// no secret.
	if err := os.WriteFile(secretsPath, data[:cut+len("[secrets]\n")], 0o600); err != nil {
		t.Fatal(err)
	}

	r := w.run("", nil, "token", "p")
	if r.code == 0 || !strings.Contains(r.stderr, "authwiz restore") || !strings.Contains(r.stderr, "secrets.toml") {
		t.Fatalf("a cut-back secrets file must be refused, pointing to restore: %d\n%s", r.code, r.stderr)
	}
	r = w.run(testClientSecret, nil, w.newArgs("other", "--client-secret-stdin")...)
	if r.code == 0 || !strings.Contains(r.stderr, "authwiz restore") {
		t.Fatalf("an unrelated save must not run over the damaged store: %d\n%s", r.code, r.stderr)
	}
	if _, _, err := store.Get("other"); err == nil {
		t.Fatal("the refused save wrote a profile")
	}

	// Both refusals come before any output that reads as a restore
	// under way: the damage found and the list of backups.
	r = w.run("", nil, "restore")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "not asking without a terminal: add --yes to restore") ||
		strings.Contains(r.stderr, "Found:") || strings.Contains(r.stderr, "Backups, newest first") {
		t.Errorf("restore without a terminal must refuse at once, asking for --yes: %d\n%s", r.code, r.stderr)
	}
	for _, from := range []string{"9", "0"} {
		r = w.run("", nil, "restore", "--from", from, "--yes")
		if r.code != ExitUsage || !strings.Contains(r.stderr, "--from "+from+": choose a backup between 1 and") ||
			strings.Contains(r.stderr, "Found:") || strings.Contains(r.stderr, "Backups, newest first") {
			t.Errorf("--from %s out of range must be refused at once: %d\n%s", from, r.code, r.stderr)
		}
	}
	if _, _, err := store.Get("p"); err == nil {
		t.Fatal("a refused restore changed the store")
	}

	r = w.run("", nil, "restore", "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, `Put back "p"`) {
		t.Fatalf("restore --yes: %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, testClientSecret) || strings.Contains(r.stderr+r.stdout, orig.RefreshToken) {
		t.Error("restore printed a secret")
	}
	_, got, err := store.Get("p")
	if err != nil || got.ClientSecret != orig.ClientSecret || got.RefreshToken != orig.RefreshToken {
		t.Fatalf("restore did not bring back the client secret and refresh token: %v", err)
	}

	r = w.run("", nil, "token", "p")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "access-") {
		t.Fatalf("token after restore: %d %q\n%s", r.code, r.stdout, r.stderr)
	}
	if w.fake.Refreshes() != 1 {
		t.Errorf("%d refreshes: the restored refresh token must have been spent once", w.fake.Refreshes())
	}
	r = w.run("", nil, "restore", "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, "Nothing to restore") {
		t.Errorf("a sound store has nothing to restore: %d\n%s", r.code, r.stderr)
	}
}

// A shared profile's settings lost and restored from a backup written
// before it was shared: it stays shared, only its client secret comes
// back, and a shared record left without a profile is said with its fix.
func TestRestoreKeepsASharedProfileShared(t *testing.T) {
	w := newWorld(t)
	w.create("conf")
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	_, before, err := store.Get("conf")
	if err != nil || before.RefreshToken == "" {
		t.Fatalf("no grant to share: %v", err)
	}
	// As share leaves it: the tokens gone from this host, the record kept.
	if err := store.Update("conf", func(_ *profile.Profile, sec *profile.Secrets) error {
		*sec = profile.Secrets{ClientSecret: sec.ClientSecret}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	links := map[string]sharedLink{"conf": {Store: sharedStore}, "gone": {Store: sharedStore, Grant: "old"}}
	if err := saveShared(w.dir, links); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "profiles.toml"), []byte("not [toml"), 0o600); err != nil {
		t.Fatal(err)
	}

	r := w.run("", nil, "restore", "--yes")
	if r.code != 0 || !strings.Contains(r.stderr, `Put back "conf"; its grant stays in `+sharedStore) {
		t.Fatalf("restore --yes: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "in the shared store, so no token is put back") {
		t.Errorf("the backup list does not say the shared profile's tokens stay out:\n%s", r.stderr)
	}
	p, sec, err := store.Get("conf")
	if err != nil || sec.ClientSecret != testClientSecret {
		t.Fatalf("the client secret did not come back: %v", err)
	}
	if sec.HasTokens() || p.Tokens.HasRefresh {
		t.Fatal("restore put back this host's copy of tokens from before the grant was shared")
	}
	if l, ok, err := sharedLinkOf(&rootOptions{configDir: w.dir}, "conf"); err != nil || !ok || l.Store != sharedStore {
		t.Fatalf("the restored profile is no longer shared: %+v %t %v", l, ok, err)
	}
	wantGone := `shared.json says the grant of "gone" lives in ` + sharedStore + ` (as "old"), but no profile here is called that`
	if !strings.Contains(r.stderr, wantGone) || !strings.Contains(r.stderr, "`authwiz unshare --forget gone`") {
		t.Errorf("restore does not say the record left without a profile, with the fix:\n%s", r.stderr)
	}
	if r := w.run("", nil, "restore", "--yes"); r.code != 0 || !strings.Contains(r.stderr, "Nothing to restore") || !strings.Contains(r.stderr, wantGone) {
		t.Errorf("a sound store's restore should still say the record without a profile: exit %d\n%s", r.code, r.stderr)
	}
}
