package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

func TestShareRefusesAPasswordOnTheCommandLine(t *testing.T) {
	w := newWorld(t)
	w.saveWithSecrets("conf", profile.Secrets{AccessToken: "a", RefreshToken: "r", Expiry: time.Now().Add(time.Hour)})
	r := w.run("", nil, "share", "conf", "--to", "postgres://authwiz:hunter2@db.example/authwiz")
	if r.code != ExitUsage || strings.Contains(r.stdout+r.stderr, "hunter2") || !strings.Contains(r.stderr, "PGPASSWORD") {
		t.Fatalf("share with a password in the address: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := w.run("", nil, "share", "--help"); !strings.Contains(r.stdout, "never taken from the command line") {
		t.Fatalf("share --help does not say where the password comes from:\n%s", r.stdout)
	}
}

// Two hosts (config dirs) share one grant: A moves it into the store, B
// joins, both get the same token, B refreshes it for both; a refresh whose
// answer only A's journal holds makes the grant uncertain until A recovers.
func TestSharedGrantAcrossTwoHosts(t *testing.T) {
	a := newWorld(t)
	a.create("conf")
	b := otherHost(t, a, "conf")
	cluster := pgtest.Own(t)
	dsn := cluster.Database(t)
	keyA, keyB := hostKey(t, a), hostKey(t, b)
	_, seeded, _ := mustGet(t, a.dir)

	mustRun(t, a, "now lives in", "share", "conf", "--to", dsn, "--refresher", keyB)
	if _, sec, _ := mustGet(t, a.dir); sec.RefreshToken != "" || sec.AccessToken != "" {
		t.Fatal("host A kept its copy of the tokens after sharing them")
	}
	mustRun(t, b, "now uses the grant", "share", "conf", "--to", dsn, "--refresher", keyA)
	if r := mustRun(t, a, "client_id", "export", "conf"); strings.Contains(r.stdout, testClientSecret) {
		t.Fatal("export of a shared profile holds the client secret")
	}

	var listed []profileEntry
	decode(t, mustRun(t, a, "", "list", "--json").stdout, &listed)
	if sh := listed[0].Shared; sh == nil || sh.Generation != 1 || sh.State != "ok" || listed[0].Token.Health != "ok" || listed[0].SecretStorage != "shared" {
		t.Fatalf("list --json shows the shared profile as %+v, shared %+v", listed[0], listed[0].Shared)
	}
	if r := mustRun(t, a, "", "status", "conf", "--json"); strings.Contains(r.stdout, "needs consent") || !strings.Contains(r.stdout, `"store": "postgres://postgres@`) {
		t.Fatalf("status --json of a shared profile:\n%s", r.stdout)
	}
	if tok := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout); tok != seeded.AccessToken {
		t.Fatal("host B did not get the shared access token")
	}

	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET access_expiry = now()")
	fromB := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout)
	fromA := strings.TrimSpace(mustRun(t, a, "", "token", "conf").stdout)
	if fromB == seeded.AccessToken || fromA != fromB || a.fake.Refreshes() != 1 {
		t.Fatalf("after expiry: B and A agree %t, %d refreshes; want one refresh both use", fromA == fromB, a.fake.Refreshes())
	}
	if r := mustRun(t, a, "generation 2", "status", "conf"); !strings.Contains(r.stdout, "sealed in the shared store") {
		t.Fatalf("status:\n%s", r.stdout)
	}

	held := openAs(t, a.dir, dsn)
	claim, err := held.Claim(context.Background(), "conf", "ci-runner-7 (PID 42)", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r := mustRun(t, b, "ci-runner-7 (PID 42) since", "status", "conf"); !strings.Contains(r.stdout, "claim") {
		t.Fatalf("status while a claim is held:\n%s", r.stdout)
	}
	var statuses []profileStatus
	decode(t, mustRun(t, b, "", "status", "conf", "--json").stdout, &statuses)
	if c := statuses[0].Shared.Claim; c == nil || c.Host != "ci-runner-7 (PID 42)" || !c.Until.After(c.Since) {
		t.Fatalf("status --json shows the claim as %+v", c)
	}
	if err := held.Release(context.Background(), claim, grantstore.NotSpent); err != nil {
		t.Fatal(err)
	}

	answer := loseARefresh(t, a, dsn)
	r := b.run("", nil, "token", "conf")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "authwiz recover conf") {
		t.Fatalf("token on an uncertain grant: exit %d\n%s", r.code, r.stderr)
	}
	if r := b.run("", nil, "status", "conf"); r.code != ExitAttention || !strings.Contains(r.stdout, "uncertain") {
		t.Fatalf("status of an uncertain grant: exit %d\n%s", r.code, r.stdout)
	}
	if r := b.run("", nil, "recover", "conf"); r.code != ExitAttention || !strings.Contains(r.stderr, "journal holds no refresh answer") {
		t.Fatalf("recover on a host without the answer: exit %d\n%s", r.code, r.stderr)
	}
	mustRun(t, a, "Recovered", "recover", "conf")
	if tok := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout); tok != answer.AccessToken {
		t.Fatal("after recover, host B does not get the recovered token")
	}

	// A renamed on its own: the grant keeps its name for B, and A still
	// reaches it under the new one.
	mustRun(t, a, "keeps the name", "rename", "conf", "Confluence prod")
	if tok := strings.TrimSpace(mustRun(t, a, "", "token", "Confluence prod").stdout); tok != answer.AccessToken {
		t.Fatal("after a rename on host A, its token is not the shared one")
	}
	if r := mustRun(t, a, "generation 3", "status", "Confluence prod"); !strings.Contains(r.stdout, `(as "conf")`) {
		t.Fatalf("status of the renamed shared profile:\n%s", r.stdout)
	}

	// With the store down, B serves its copy of the token and status says
	// where the problem is.
	cluster.Stop(t)
	if r := mustRun(t, b, "cannot be reached", "token", "conf"); strings.TrimSpace(r.stdout) != answer.AccessToken {
		t.Fatal("with the store down, host B did not serve its copy of the token")
	}
	if r := b.run("", nil, "status", "conf", "--json"); r.code != ExitAttention || !strings.Contains(r.stdout, `"state": "unreachable"`) {
		t.Fatalf("status with the store down: exit %d\n%s", r.code, r.stdout)
	}
	assertNoSecretInFiles(t, a.dir, []string{seeded.RefreshToken, answer.RefreshToken, answer.AccessToken})
	assertNoSecretInFiles(t, b.dir, []string{seeded.RefreshToken, answer.RefreshToken, answer.AccessToken})
}

// otherHost is a second host (config dir) with a profile called name of
// a's app, with no grant of its own.
func otherHost(t *testing.T, a *world, name string) *world {
	t.Helper()
	b := &world{t: t, dir: t.TempDir(), fake: a.fake, server: a.server, redirect: a.redirect, now: a.now}
	if r := b.run(testClientSecret, nil, b.newArgs(name, "--client-secret-stdin")...); r.code != 0 {
		t.Fatalf("new on another host: %d\n%s", r.code, r.stderr)
	}
	return b
}

// loseARefresh spends the shared refresh token as host A and keeps the
// answer only in A's journal, as a refresher killed before its commit
// does; the grant is then marked uncertain, as after the retry window.
func loseARefresh(t *testing.T, a *world, dsn string) profile.Refreshed {
	t.Helper()
	store := openAs(t, a.dir, dsn)
	settings, _, _ := mustGet(t, a.dir)
	c, answer := storetest.Spend(t, store, settings)
	id, err := seal.Load(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := grantstore.OpenJournal(a.dir, dsn, id).Put(grantstore.Entry{Name: "conf", Generation: c.Generation, Fence: c.Fence,
		Spent: grantstore.TokenID(c.Secrets.RefreshToken), Answer: answer}); err != nil {
		t.Fatal(err)
	}
	if err := store.Release(context.Background(), c, grantstore.EndUncertain); err != nil {
		t.Fatal(err)
	}
	return answer
}

// openAs opens the shared store as the host whose config dir is dir.
func openAs(t *testing.T, dir, dsn string) *pgstore.Store {
	t.Helper()
	id, err := seal.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	store, err := pgstore.Open(context.Background(), dsn, id, pgstore.Recipients{Refreshers: []string{id.Recipient()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return store
}

func hostKey(t *testing.T, w *world) string {
	t.Helper()
	return strings.TrimSpace(mustRun(t, w, "", "share", "--host-key").stdout)
}

func mustRun(t *testing.T, w *world, want string, args ...string) result {
	t.Helper()
	r := w.run("", nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, want) {
		t.Fatalf("authwiz %s: exit %d, want 0 with %q\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

func mustGet(t *testing.T, dir string) (profile.Profile, profile.Secrets, error) {
	t.Helper()
	store, err := profile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, sec, err := store.Get("conf")
	if err != nil {
		t.Fatal(err)
	}
	return p, sec, nil
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v:\n%s", err, s)
	}
}
