package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// Deleting a shared profile leaves the grant to the other hosts; only
// --from-store, with the tables' owner role, deletes it for everyone.
func TestDeleteOfASharedProfile(t *testing.T) {
	a := newWorld(t)
	a.create("conf")
	b := otherHost(t, a, "conf")
	cluster := pgtest.Own(t)
	dsn := cluster.Database(t)
	keyA, keyB := hostKey(t, a), hostKey(t, b)
	mustRun(t, a, "now lives in", "share", "conf", "--to", dsn, "--refresher", keyB)
	cluster.Exec(t, "CREATE ROLE authwiz_refresher LOGIN")
	pgtest.Exec(t, dsn, "GRANT SELECT, UPDATE ON authwiz_grants TO authwiz_refresher")
	mustRun(t, b, "now uses the grant", "share", "conf", "--to", strings.Replace(dsn, "postgres@", "authwiz_refresher@", 1), "--refresher", keyA)
	shared := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout)
	c := otherHost(t, a, "conf")
	mustRun(t, c, "now uses the grant", "share", "conf", "--to", dsn, "--consumer-only", "--refresher", keyA)

	r := b.run("", nil, "delete", "conf", "--yes", "--from-store")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "role that owns the authwiz tables") || !strings.Contains(r.stderr, "nothing was deleted") {
		t.Fatalf("delete --from-store with a refresher's role: exit %d\n%s", r.code, r.stderr)
	}
	if tok := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout); tok != shared {
		t.Fatal("a refused delete --from-store changed host B's profile")
	}

	mustRun(t, b, "stays in", "delete", "conf", "--yes")
	if links, _ := loadShared(b.dir); len(links) != 0 {
		t.Errorf("host B still records a shared grant after delete: %+v", links)
	}
	for _, kept := range []string{grantstore.JournalDirName, grantstore.CacheDirName} {
		if files, _ := os.ReadDir(filepath.Join(b.dir, kept)); len(files) != 0 {
			t.Errorf("host B keeps %d files in %s after delete", len(files), kept)
		}
	}
	if tok := strings.TrimSpace(mustRun(t, a, "", "token", "conf").stdout); tok != shared {
		t.Fatal("host B's delete took the grant from host A")
	}

	mustRun(t, a, "and its grant from", "delete", "conf", "--yes", "--from-store")
	if _, err := openAs(t, a.dir, dsn).Read(context.Background(), "conf"); !errors.Is(err, grantstore.ErrNotFound) {
		t.Fatalf("after delete --from-store the store still answers for the grant: %v", err)
	}
	r = c.run("", nil, "token", "conf")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "`authwiz delete conf`") {
		t.Fatalf("token on a host whose grant was deleted from the store: exit %d\n%s", r.code, r.stderr)
	}
	if r := c.run("", nil, "status", "conf", "--json"); r.code != ExitAttention || !strings.Contains(r.stdout, `"state": "missing"`) {
		t.Fatalf("status on a host whose grant was deleted from the store: exit %d\n%s", r.code, r.stdout)
	}
}

func TestDeleteKeepsAnAnswerOnlyThisHostHolds(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: sharedStore})
	id, err := seal.LoadOrCreate(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := grantstore.OpenJournal(w.dir, sharedStore, id).Put(grantstore.Entry{Name: "conf", Generation: 4}); err != nil {
		t.Fatal(err)
	}
	r := w.run("", nil, "delete", "conf", "--yes")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "authwiz recover conf") {
		t.Fatalf("delete with an unsaved refresh in the journal: exit %d\n%s", r.code, r.stderr)
	}
	if links, _ := loadShared(w.dir); len(links) != 1 {
		t.Fatal("a refused delete dropped the shared record")
	}
	if r := w.run("", nil, "delete", "conf", "--yes", "--from-store", "--rehearsal"); r.code == 0 {
		t.Fatal("delete --from-store of a rehearsal profile succeeded")
	}
	w.saveWithSecrets("local", profile.Secrets{AccessToken: "a", RefreshToken: "r", Expiry: time.Now().Add(time.Hour)})
	if r := w.run("", nil, "delete", "local", "--yes", "--from-store"); r.code != ExitUsage || !strings.Contains(r.stderr, "is for shared profiles") {
		t.Fatalf("delete --from-store of a local profile: exit %d\n%s", r.code, r.stderr)
	}
}

// A grant the token endpoint rejected is mended for every host by one new
// consent on a refresher host.
func TestLoginReshareReplacesTheSharedGrant(t *testing.T) {
	h := shareConf(t)
	a, b, dsn := h.a, h.b, h.dsn
	old := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout)
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET state = 'rejected', state_since = now(), access_expiry = now(), consented_at = now() - interval '300 days'")
	if r := b.run("", nil, "token", "conf"); r.code != ExitAttention || !strings.Contains(r.stderr, "authwiz login conf --reshare") {
		t.Fatalf("token of a rejected shared grant: exit %d\n%s", r.code, r.stderr)
	}

	mustRun(t, a, "as generation 2, for every host", "login", "conf", "--reshare")
	held := openAs(t, a.dir, dsn)
	c, err := held.Claim(context.Background(), "conf", "test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if age := c.Now.Sub(c.Secrets.ConsentedAt); age > time.Hour {
		t.Errorf("after login --reshare the store dates the consent %s ago", age.Round(time.Hour))
	}
	if err := held.Release(context.Background(), c, grantstore.NotSpent); err != nil {
		t.Fatal(err)
	}
	if _, sec, _ := mustGet(t, a.dir); sec.HasTokens() {
		t.Fatal("host A kept a copy of the new grant's tokens")
	}
	fresh := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout)
	if fresh == old || fresh == "" {
		t.Fatal("host B does not get the new consent's access token")
	}
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET access_expiry = now()")
	if tok := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout); tok == fresh || a.fake.Refreshes() != 1 {
		t.Fatalf("the new grant's refresh token does not work for host B (%d refreshes)", a.fake.Refreshes())
	}
}

// unshare brings the grant back to one host: its tokens work there on
// their own, every other host stops and says why, and share makes it
// shared again.
func TestUnshareBringsTheSharedGrantBack(t *testing.T) {
	h := shareConf(t)
	a, b, dsn, keyA, keyB := h.a, h.b, h.dsn, h.keyA, h.keyB
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET access_expiry = now()")
	shared := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout)

	if r := b.run("", nil, "unshare", "conf"); r.code != 0 || !strings.Contains(r.stderr, "back on this host alone") {
		t.Fatalf("unshare on host B: exit %d\n%s", r.code, r.stderr)
	}
	if links, _ := loadShared(b.dir); len(links) != 0 {
		t.Errorf("host B still records the grant as shared: %+v", links)
	}
	p, sec, _ := mustGet(t, b.dir)
	if sec.AccessToken != shared || sec.RefreshToken == "" || !p.Tokens.HasRefresh {
		t.Fatal("host B's own store does not hold the shared grant's tokens")
	}
	if claim, err := openAs(t, b.dir, dsn).Claim(context.Background(), "conf", "test", time.Minute); err != nil || claim.Secrets.RefreshToken != "" || claim.Grant.State != grantstore.Moved {
		t.Fatalf("after unshare the store holds state %q, a refresh token %t (%v)", claim.Grant.State, claim.Secrets.RefreshToken != "", err)
	}
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET claim_holder = NULL, claim_until = NULL")

	// An unshare that could not tell whether the store marked the grant
	// moved keeps both the copy and the record; run again, it finishes.
	if err := saveShared(b.dir, map[string]sharedLink{"conf": {Store: dsn, Refreshers: []string{keyB, keyA}}}); err != nil {
		t.Fatal(err)
	}
	mustRun(t, b, "back on this host alone", "unshare", "conf")
	if links, _ := loadShared(b.dir); len(links) != 0 {
		t.Errorf("unshare run again left the record: %+v", links)
	}
	if _, again, _ := mustGet(t, b.dir); again.RefreshToken != sec.RefreshToken {
		t.Fatal("unshare run again changed host B's copy of the grant")
	}

	r := a.run("", nil, "token", "conf")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "moved back to one host") || !strings.Contains(r.stderr, "authwiz unshare conf") {
		t.Fatalf("token on another host after unshare: exit %d\n%s", r.code, r.stderr)
	}
	if r := a.run("", nil, "status", "conf"); r.code != ExitAttention || !strings.Contains(r.stdout, "moved") {
		t.Fatalf("status on another host after unshare: exit %d\n%s", r.code, r.stdout)
	}
	refreshes := a.fake.Refreshes()
	store, err := profile.Open(b.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Update("conf", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = time.Now().Add(-time.Minute)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if tok := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout); tok == shared || a.fake.Refreshes() != refreshes+1 {
		t.Fatal("host B's own copy of the grant does not refresh")
	}

	mustRun(t, b, "now lives in", "share", "conf", "--to", dsn, "--refresher", keyA)
	fromA := strings.TrimSpace(mustRun(t, a, "", "token", "conf").stdout)
	if _, sec, _ := mustGet(t, b.dir); fromA == shared || sec.HasTokens() {
		t.Fatal("sharing the grant again does not reach host A")
	}
}

// A host whose profile has another name joins the grant by its name in
// the store; sharing a renamed profile again keeps that name.
func TestShareJoinsAGrantByItsNameInTheStore(t *testing.T) {
	a := newWorld(t)
	a.create("conf")
	c := otherHost(t, a, "prod")
	dsn := pgtest.Own(t).Database(t)
	keyA, keyC := hostKey(t, a), hostKey(t, c)
	mustRun(t, a, "now lives in", "share", "conf", "--to", dsn, "--refresher", keyC)
	mustRun(t, a, "keeps the name", "rename", "conf", "Confluence prod")
	mustRun(t, a, "now uses the grant", "share", "Confluence prod", "--to", dsn, "--refresher", keyC)
	if links, _ := loadShared(a.dir); links["Confluence prod"].Grant != "conf" {
		t.Fatalf("sharing the renamed profile again lost the grant's name: %+v", links)
	}

	if r := c.run("", nil, "share", "prod", "--to", dsn, "--refresher", keyA); r.code == 0 || !strings.Contains(r.stderr, "--grant") {
		t.Fatalf("share of a profile without a grant, under a name the store does not hold: exit %d\n%s", r.code, r.stderr)
	}
	mustRun(t, c, "now uses the grant", "share", "prod", "--to", dsn, "--grant", "conf", "--refresher", keyA)
	fromA := strings.TrimSpace(mustRun(t, a, "", "token", "Confluence prod").stdout)
	if fromC := strings.TrimSpace(mustRun(t, c, "", "token", "prod").stdout); fromC != fromA || fromC == "" {
		t.Fatal("the host that joined by the grant's name does not get its token")
	}
}

// A record left without its profile keeps new off its name until
// unshare --forget drops it; the profile made then joins the grant again.
func TestSharedRecordLeftByADeleteIsForgottenThenJoinedAgain(t *testing.T) {
	h := shareConf(t)
	a, b, dsn, keyA := h.a, h.b, h.dsn, h.keyA
	want := strings.TrimSpace(mustRun(t, a, "", "token", "conf").stdout)

	store, err := profile.Open(b.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Delete("conf"); err != nil {
		t.Fatal(err)
	}
	if r := b.run(testClientSecret, nil, b.newArgs("conf", "--client-secret-stdin")...); r.code != ExitUsage || !strings.Contains(r.stderr, "unshare --forget conf") {
		t.Fatalf("new under the name of a record left by a delete: exit %d\n%s", r.code, r.stderr)
	}
	mustRun(t, b, "--refresher "+keyA, "unshare", "--forget", "conf")
	if r := b.run(testClientSecret, nil, b.newArgs("conf", "--client-secret-stdin")...); r.code != 0 {
		t.Fatalf("new once the record is forgotten: exit %d\n%s", r.code, r.stderr)
	}
	mustRun(t, b, "now uses the grant", "share", "conf", "--to", dsn, "--refresher", keyA)
	if got := strings.TrimSpace(mustRun(t, b, "", "token", "conf").stdout); got != want {
		t.Fatal("the profile made again does not get the shared grant's token")
	}
}

// Joined to another grant, a profile never gets the token of the grant it
// left from this host's cache.
func TestShareToAnotherGrantDropsTheOldGrantsCachedToken(t *testing.T) {
	a := newWorld(t)
	a.create("conf")
	a.create("wiki")
	b := otherHost(t, a, "conf")
	dsn := pgtest.Own(t).Database(t)
	keyA, keyB := hostKey(t, a), hostKey(t, b)
	mustRun(t, a, "now lives in", "share", "conf", "--to", dsn, "--refresher", keyB)
	mustRun(t, a, "now lives in", "share", "wiki", "--to", dsn, "--refresher", keyB)
	mustRun(t, b, "now uses the grant", "share", "conf", "--to", dsn, "--refresher", keyA)
	mustRun(t, b, "", "token", "conf")
	cached := func() []string {
		files, _ := filepath.Glob(filepath.Join(b.dir, grantstore.CacheDirName, "*"))
		return files
	}
	if len(cached()) == 0 {
		t.Fatal("token of a shared grant cached nothing: this test checks nothing")
	}

	mustRun(t, b, `(as "wiki")`, "share", "conf", "--to", dsn, "--grant", "wiki", "--refresher", keyA)
	if files := cached(); len(files) != 0 {
		t.Fatalf("after joining another grant this host still caches %v", files)
	}
	if got, want := mustRun(t, b, "", "token", "conf").stdout, mustRun(t, a, "", "token", "wiki").stdout; got != want {
		t.Fatal("the profile does not get the token of the grant it joined")
	}
}

// A grant gone from the store is got again by the steps its errors name,
// where share, login and login --reshare used to send the admin round in
// a circle.
func TestSharedGrantGoneFromTheStoreIsGrantedAnewByTheStepsNamed(t *testing.T) {
	h := shareConf(t)
	a, b, dsn, keyB := h.a, h.b, h.dsn, h.keyB
	pgtest.Exec(t, dsn, "DELETE FROM authwiz_grants")

	steps := []string{"`authwiz unshare --forget conf`", "`authwiz login conf`", "`authwiz share conf --to "}
	for _, args := range [][]string{{"token", "conf"}, {"login", "conf", "--reshare"}, {"share", "conf", "--to", dsn}, {"status", "conf"}} {
		r := a.run("", nil, args...)
		for _, step := range steps {
			if r.code == 0 || !strings.Contains(r.stdout+r.stderr, step) {
				t.Fatalf("%q with the grant gone from the store: exit %d, want the step %s\n%s%s", args, r.code, step, r.stdout, r.stderr)
			}
		}
	}

	mustRun(t, a, "", "unshare", "--forget", "conf")
	mustRun(t, a, "", "login", "conf")
	mustRun(t, a, "now lives in", "share", "conf", "--to", dsn, "--refresher", keyB)
	if got, want := mustRun(t, b, "", "token", "conf").stdout, mustRun(t, a, "", "token", "conf").stdout; got != want || strings.TrimSpace(got) == "" {
		t.Fatal("the other host does not get the token of the grant put in anew")
	}
}

// sharedHosts are two hosts sharing the grant of "conf" in a real
// PostgreSQL, each sealing to the other's key.
type sharedHosts struct {
	a, b       *world
	dsn        string
	keyA, keyB string
}

// shareConf makes "conf" on host a, shares its grant to the store at dsn,
// and has host b join it.
func shareConf(t *testing.T) sharedHosts {
	t.Helper()
	h := sharedHosts{a: newWorld(t)}
	h.a.create("conf")
	h.b = otherHost(t, h.a, "conf")
	h.dsn = pgtest.Own(t).Database(t)
	h.keyA, h.keyB = hostKey(t, h.a), hostKey(t, h.b)
	mustRun(t, h.a, "now lives in", "share", "conf", "--to", h.dsn, "--refresher", h.keyB)
	mustRun(t, h.b, "now uses the grant", "share", "conf", "--to", h.dsn, "--refresher", h.keyA)
	return h
}

// A claim names its holder as that host wrote it into the shared store: a
// warning that quotes it reaches this terminal without anything the
// terminal would act on.
func TestSharedWarningsReachTheTerminalSanitized(t *testing.T) {
	a := newWorld(t)
	a.create("conf")
	dsn := pgtest.Database(t)
	mustRun(t, a, "now lives in", "share", "conf", "--to", dsn)
	loseARefresh(t, a, dsn)
	if _, err := openAs(t, a.dir, dsn).Claim(context.Background(), "conf", "ci\x1b]52;c;aGk=\x07-runner (PID 1)", time.Minute); err != nil {
		t.Fatal(err)
	}
	r := a.run("", nil, "token", "conf")
	if !strings.Contains(r.stderr, "authwiz: warning: ") || !strings.Contains(r.stderr, "-runner (PID 1) is refreshing the grant") || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Fatalf("token while another host's claim blocks the recovery: exit %d, want a warning naming the claim's holder without control characters\n%q", r.code, r.stderr)
	}
}

// An answer in this host's journal that the grant no longer follows is
// dropped, and recover exits as its help says for nothing to recover.
func TestRecoverOfAnAnswerTheGrantNoLongerFollowsIsNothingToRecover(t *testing.T) {
	h := shareConf(t)
	id, err := seal.Load(h.a.dir)
	if err != nil {
		t.Fatal(err)
	}
	journal := grantstore.OpenJournal(h.a.dir, h.dsn, id)
	if err := journal.Put(grantstore.Entry{Name: "conf", Generation: 99, Spent: grantstore.TokenID("another refresh token")}); err != nil {
		t.Fatal(err)
	}
	r := h.a.run("", nil, "recover", "conf")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "nothing to recover here") {
		t.Fatalf("recover of an answer the grant no longer follows: exit %d, want %d\n%s", r.code, ExitAttention, r.stderr)
	}
	if _, kept, err := journal.Get("conf"); err != nil || kept {
		t.Errorf("the answer the grant no longer follows is still journaled (%v)", err)
	}
}
