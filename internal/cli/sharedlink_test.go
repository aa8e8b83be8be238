package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
	"github.com/authwiz/authwiz/internal/seal"
	"github.com/authwiz/authwiz/internal/testkit"
)

// sharedStore is a store address no test ever reaches: the commands
// tested here read this host's records only.
const sharedStore = "postgres://authwiz@db.invalid/authwiz"

// sharedHere makes name a profile whose grant lives in a shared store,
// as `authwiz share` leaves it on this host: the host key made, the link
// recorded, the tokens gone, the client secret kept.
func (w *world) sharedHere(name string, link sharedLink) {
	w.t.Helper()
	if _, err := seal.LoadOrCreate(w.dir); err != nil {
		w.t.Fatal(err)
	}
	w.saveWithSecrets(name, profile.Secrets{})
	links, err := loadShared(w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	links[name] = link
	if err := saveShared(w.dir, links); err != nil {
		w.t.Fatal(err)
	}
}

func TestShowSaysWhereASharedGrantLives(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: sharedStore, Refreshers: []string{"age1x"}})
	w.sharedHere("reader", sharedLink{Store: "postgres://reader:oops@db.invalid/authwiz", Consumer: true})

	r := w.run("", nil, "show", "conf")
	for _, want := range []string{
		"Grant lives in     " + sharedStore + ", shared; this host a refresher",
		"not on this host: `authwiz status conf` reads it",
		"Refresh token      in the shared store",
	} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("show of a shared profile lacks %q: exit %d\n%s%s", want, r.code, r.stdout, r.stderr)
		}
	}
	if strings.Contains(r.stdout, "needs consent") || strings.Contains(r.stdout, "not set") {
		t.Errorf("show reads a shared profile as missing its tokens:\n%s", r.stdout)
	}

	var shown shownProfile
	decode(t, w.run("", nil, "show", "reader", "--json").stdout, &shown)
	sh := shown.Shared
	if sh == nil || sh.Role != "consumer" || sh.TokensOnThisHost || shown.Token.Health == healthNames[profile.NeedsConsent] ||
		shown.SecretStorage != "shared" || !strings.Contains(shown.RefreshToken, "refresher hosts only") {
		t.Fatalf("show --json of a consumer's shared profile: %+v, shared %+v", shown, sh)
	}
	if strings.Contains(sh.Store, "oops") || !strings.Contains(sh.Store, "db.invalid") {
		t.Errorf("show --json names the store as %q; want its address without the password", sh.Store)
	}
}

func TestRenameKeepsTheLinkToASharedGrant(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: sharedStore, Refreshers: []string{"age1x"}})

	mustRun(t, w, `keeps the name "conf" in `+sharedStore, "rename", "conf", "prod")
	mustRun(t, w, "Renamed", "rename", "prod", "Confluence prod")
	links, err := loadShared(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := links["Confluence prod"]; len(links) != 1 || !ok || l.Grant != "conf" || l.Store != sharedStore {
		t.Fatalf("after two renames the shared records are %+v; want one for the new name, with the grant's name in the store kept", links)
	}
	if r := mustRun(t, w, "", "show", "Confluence prod"); !strings.Contains(r.stdout, `(as "conf")`) {
		t.Errorf("show of the renamed profile does not name its grant in the store:\n%s", r.stdout)
	}
}

func TestLoginRefusesASharedProfile(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: sharedStore})
	w.sharedHere("reader", sharedLink{Store: sharedStore, Consumer: true})
	w.saveWithSecrets("local", profile.Secrets{})

	r := w.run("", nil, "login", "conf")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "authwiz login conf --reshare") || !strings.Contains(r.stderr, "no other host uses") {
		t.Fatalf("login of a shared profile: exit %d\n%s", r.code, r.stderr)
	}
	if _, sec, _ := mustGet(t, w.dir); sec.HasTokens() || w.fake.Refreshes() != 0 {
		t.Fatal("a refused login made a grant on this host")
	}
	if r := w.run("", nil, "login", "reader", "--reshare"); r.code != ExitUsage || !strings.Contains(r.stderr, "on a refresher host") {
		t.Fatalf("login --reshare on a consumer host: exit %d\n%s", r.code, r.stderr)
	}
	if r := w.run("", nil, "login", "local", "--reshare"); r.code != ExitUsage || !strings.Contains(r.stderr, "--reshare is for shared profiles") {
		t.Fatalf("login --reshare of a local profile: exit %d\n%s", r.code, r.stderr)
	}

	// A store that is down stops --reshare before the consent, which
	// would otherwise be made for nothing.
	down, _ := downStore(t)
	w.sharedHere("unreachable", sharedLink{Store: down})
	r = w.run("", nil, "login", "unreachable", "--reshare")
	if r.code == 0 || !strings.Contains(r.stderr, "cannot be reached") || !strings.Contains(r.stderr, "no consent was started") {
		t.Fatalf("login --reshare with the store down: exit %d\n%s", r.code, r.stderr)
	}
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, sec, err := store.Get("unreachable"); err != nil || sec.HasTokens() {
		t.Fatalf("login --reshare with the store down consented anyway (%v)", err)
	}
}

// downStore is a shared store's address where every connection is
// closed at once, as by a database that is shutting down. It counts the
// attempts to connect: the startup messages, counted before the close
// the client waits for (a cancel request pgx sends after is not one).
func downStore(t *testing.T) (addr string, attempts *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	attempts = &atomic.Int64{}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				var head [8]byte
				if _, err := io.ReadFull(conn, head[:]); err == nil && binary.BigEndian.Uint32(head[4:]) == 3<<16 {
					attempts.Add(1)
				}
			}()
		}
	}()
	return "postgres://authwiz@" + ln.Addr().String() + "/authwiz?sslmode=disable", attempts
}

func TestListAndStatusTryEachDownStoreOnce(t *testing.T) {
	w := newWorld(t)
	one, toOne := downStore(t)
	other, toOther := downStore(t)
	w.sharedHere("first", sharedLink{Store: one})
	w.sharedHere("second", sharedLink{Store: one})
	w.sharedHere("third", sharedLink{Store: one})
	w.sharedHere("elsewhere", sharedLink{Store: other})
	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"status", "--offline"}, {"status", "--json"}} {
		before := toOne.Load()
		r := w.run("", nil, args...)
		if got := toOne.Load() - before; got != 1 {
			t.Errorf("%v with three profiles on one store that is down: %d connection attempts, want 1", args, got)
		}
		if strings.Count(r.stdout, "unreachable") < 4 {
			t.Errorf("%v does not say every shared profile's store is unreachable:\n%s", args, r.stdout)
		}
	}
	if toOther.Load() != 4 {
		t.Errorf("the second store got %d connection attempts in four runs, want 4", toOther.Load())
	}
}

func TestEditRefusesASharedProfile(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: sharedStore})
	opened := false
	var stderr bytes.Buffer
	root := newRootCmdWith(Streams{In: strings.NewReader(""), Out: io.Discard, Err: &stderr},
		func(context.Context, launch.Request) error { opened = true; return nil },
		&rootOptions{keyring: failingKeyring{}})
	root.SetArgs([]string{"--config-dir", w.dir, "edit", "conf"})
	err := root.Execute()
	if opened || exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "authwiz unshare conf") || !strings.Contains(err.Error(), "authwiz rename conf NEW") {
		t.Fatalf("edit of a shared profile: wizard opened %t, %v", opened, err)
	}
}

// list and show say they change nothing and make no network call, save
// list's reads of shared stores: a host without its key makes none, and
// no file in the config dir is written, the key included.
func TestListAndShowChangeNothing(t *testing.T) {
	w := newWorld(t)
	w.create("local")
	down, attempts := downStore(t)
	w.sharedHere("conf", sharedLink{Store: down})
	if err := os.Remove(filepath.Join(w.dir, seal.IdentityFileName)); err != nil {
		t.Fatal(err)
	}
	before := dirState(t, w.dir)
	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"show", "conf"}, {"show", "conf", "--json"}, {"show", "local"}} {
		if r := w.run("", nil, args...); r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if r := w.run("", nil, "list", "--json"); !strings.Contains(r.stdout, "this host has no key") {
		t.Errorf("list does not say why the shared grant cannot be read:\n%s", r.stdout)
	}
	if got := dirState(t, w.dir); !maps.Equal(got, before) {
		t.Errorf("list and show changed the config dir:\nbefore %v\nafter  %v", before, got)
	}
	if attempts.Load() != 0 {
		t.Errorf("%d connections to the shared store from a host with no key to read it", attempts.Load())
	}
	for cmd, want := range map[string]string{"list": "changes nothing", "show": "makes no network call and changes nothing"} {
		if r := w.run("", nil, cmd, "--help"); !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), want) {
			t.Errorf("%s --help does not say %q:\n%s", cmd, want, r.stdout)
		}
	}
}

// dirState is each file in dir with its size, mode and modification time.
func dirState(t *testing.T, dir string) map[string]string {
	t.Helper()
	state := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		state[path] = fmt.Sprintf("%d %v %d", info.Size(), info.Mode(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// delete refuses, with the profile whole, while the OS keyring holding
// its secrets does not answer; with --from-store it refuses before the
// grant goes from the store for every host.
func TestDeleteKeepsAProfileWhileItsKeyringDoesNotAnswer(t *testing.T) {
	w := newWorld(t)
	kr := &testkit.MemKeyring{NotFound: profile.ErrNotInKeyring}
	store, err := profile.Open(w.dir, profile.WithKeyring(kr))
	if err != nil {
		t.Fatal(err)
	}
	down, attempts := downStore(t)
	for _, name := range []string{"local", "conf"} {
		if err := store.Create(profile.Profile{Name: name, ClientID: testClientID, RedirectURL: w.redirect,
			AuthURL: w.server.URL + "/authorize", TokenURL: w.server.URL + "/oauth/token", APIBaseURL: w.server.URL,
			Scopes: []string{"read:confluence-user"}, SecretStorage: profile.StorageKeyring,
		}, profile.Secrets{ClientSecret: testClientSecret}); err != nil {
			t.Fatal(err)
		}
	}
	if err := saveShared(w.dir, map[string]sharedLink{"conf": {Store: down}}); err != nil {
		t.Fatal(err)
	}

	// w.run's keyring never answers.
	for _, args := range [][]string{{"delete", "--yes", "local"}, {"delete", "--yes", "--from-store", "conf"}} {
		r := w.run("", nil, args...)
		if r.code == 0 || !strings.Contains(strings.ToLower(r.stderr), "nothing was deleted") || !strings.Contains(r.stderr, "with the keyring unlocked") {
			t.Errorf("%v with the keyring not answering: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if list, err := store.List(); err != nil || len(list) != 2 || kr.Len() != 2 {
		t.Fatalf("a refused delete changed the profiles (%d left, %v) or the keyring (%d entries)", len(list), err, kr.Len())
	}
	if attempts.Load() != 0 {
		t.Errorf("delete --from-store went to the shared store while the keyring did not answer")
	}
}

// writeLinks records links in this host's shared.json as they stand,
// spelled as given (a hand edit, or a record older than a rename).
func (w *world) writeLinks(links map[string]sharedLink) {
	w.t.Helper()
	if _, err := seal.LoadOrCreate(w.dir); err != nil {
		w.t.Fatal(err)
	}
	if err := saveShared(w.dir, links); err != nil {
		w.t.Fatal(err)
	}
}

func TestASharedRecordIsFoundWhateverTheCaseOfItsName(t *testing.T) {
	w := newWorld(t)
	w.saveWithSecrets("conf", profile.Secrets{})
	w.saveWithSecrets("wiki", profile.Secrets{})
	w.writeLinks(map[string]sharedLink{"CONF": {Store: sharedStore, Refreshers: []string{"age1x"}}, "Wiki": {Store: sharedStore}})

	var shown shownProfile
	decode(t, mustRun(t, w, "", "show", "conf", "--json").stdout, &shown)
	if shown.Shared == nil || shown.Shared.Grant != "CONF" {
		t.Fatalf("show --json of a profile whose record is spelled otherwise: shared %+v; want it shared, as the grant %q in the store", shown.Shared, "CONF")
	}

	mustRun(t, w, "Its grant stays in", "delete", "--yes", "wiki")
	mustRun(t, w, `keeps the name "CONF" in `+sharedStore, "rename", "conf", "prod")
	links, err := loadShared(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := links["prod"]; len(links) != 1 || !ok || l.Grant != "CONF" {
		t.Fatalf("after a rename the shared records are %+v; want one, for %q naming the grant %q", links, "prod", "CONF")
	}

	mustRun(t, w, "Its grant stays in", "delete", "--yes", "PROD")
	if links, err := loadShared(w.dir); err != nil || len(links) != 0 {
		t.Fatalf("delete of a shared profile named in another case left its records: %+v (%v)", links, err)
	}
}

// A record left by a delete (or a hand edit) keeps new from making a
// profile under its name, which would silently use that shared grant;
// unshare --forget drops it and says how to join the grant again.
func TestNewRefusesANameLeftSharedUntilItsRecordIsForgotten(t *testing.T) {
	w := newWorld(t)
	w.writeLinks(map[string]sharedLink{"Conf": {Store: sharedStore, Refreshers: []string{"age1here", "age1there"}, Consumers: []string{"age1reader"}}})

	if r := w.run("", nil, "list"); r.code != 0 || !strings.Contains(r.stderr, "no profile here is called that") || !strings.Contains(r.stderr, "`authwiz unshare --forget Conf`") {
		t.Fatalf("list does not say the record left without a profile: exit %d\n%s", r.code, r.stderr)
	}
	r := w.run(testClientSecret, nil, w.newArgs("conf", "--client-secret-stdin")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "nothing was saved") || !strings.Contains(r.stderr, "`authwiz unshare --forget conf`") {
		t.Fatalf("new under a name left shared: exit %d, want a refusal naming unshare --forget\n%s", r.code, r.stderr)
	}
	if store, err := profile.Open(w.dir); err != nil {
		t.Fatal(err)
	} else if list, _ := store.List(); len(list) != 0 {
		t.Fatalf("a refused new saved %+v", list)
	}

	want := "`authwiz share conf --to " + `"` + sharedStore + `"` + " --grant Conf --refresher age1here --refresher age1there --consumer age1reader`"
	mustRun(t, w, want, "unshare", "--forget", "conf")
	if links, err := loadShared(w.dir); err != nil || len(links) != 0 {
		t.Fatalf("unshare --forget left the records %+v (%v)", links, err)
	}
	if r := w.run(testClientSecret, nil, w.newArgs("conf", "--client-secret-stdin")...); r.code != 0 {
		t.Fatalf("new once the record is forgotten: exit %d\n%s", r.code, r.stderr)
	}
}

func TestForgetKeepsAnAnswerOnlyThisHostHolds(t *testing.T) {
	w := newWorld(t)
	w.writeLinks(map[string]sharedLink{"conf": {Store: sharedStore}})
	id, err := seal.LoadOrCreate(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := grantstore.OpenJournal(w.dir, sharedStore, id).Put(grantstore.Entry{Name: "conf", Generation: 4}); err != nil {
		t.Fatal(err)
	}
	r := w.run("", nil, "unshare", "--forget", "conf")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "authwiz recover NEW") || !strings.Contains(r.stderr, "--grant conf") {
		t.Fatalf("unshare --forget with an unsaved refresh in the journal: exit %d\n%s", r.code, r.stderr)
	}
	if links, _ := loadShared(w.dir); len(links) != 1 {
		t.Fatal("a refused unshare --forget dropped the shared record")
	}
	if _, kept, err := grantstore.OpenJournal(w.dir, sharedStore, id).Get("conf"); err != nil || !kept {
		t.Fatalf("a refused unshare --forget dropped the journal (%v)", err)
	}
	r = w.run(testClientSecret, nil, w.newArgs("conf", "--client-secret-stdin")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "only copy of its refresh token") || !strings.Contains(r.stderr, "authwiz recover NEW") {
		t.Fatalf("new under a name whose journal holds the only refresh token: exit %d\n%s", r.code, r.stderr)
	}
}

// The wizard knows nothing of shared grants: the store it is handed
// refuses a profile made, or renamed, under a name left shared.
func TestTheWizardsStoreRefusesANameLeftShared(t *testing.T) {
	for _, args := range [][]string{nil, {"new"}, {"edit", "Confluence prod"}} {
		var created, renamed error
		wizard := func(_ context.Context, req launch.Request) error {
			created = req.Store.Create(profile.Profile{Name: "STALE", ClientID: testClientID, RedirectURL: profile.DefaultRedirectURL,
				SecretStorage: profile.StorageFile}, profile.Secrets{ClientSecret: testClientSecret})
			renamed = req.Store.Rename("Confluence prod", "stale")
			return nil
		}
		dir := dirWithProfile(t, "Confluence prod")
		if err := saveShared(dir, map[string]sharedLink{"stale": {Store: sharedStore}}); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if code := Main(append([]string{"--config-dir", dir}, args...), Streams{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, wizard); code != ExitOK {
			t.Fatalf("%q: exit %d\n%s", args, code, errOut.String())
		}
		for what, err := range map[string]error{"a new profile": created, "a rename": renamed} {
			if err == nil || !strings.Contains(err.Error(), "authwiz unshare --forget") {
				t.Errorf("%q: the wizard's store saved %s under a name left shared (%v)", args, what, err)
			}
		}
	}
}

// An unreadable shared.json stops no save of the wizard's, which may be a
// consent's tokens: the commands that read the file say what is wrong.
func TestTheWizardsStoreSavesWithAnUnreadableSharedList(t *testing.T) {
	var created error
	wizard := func(_ context.Context, req launch.Request) error {
		created = req.Store.Create(profile.Profile{Name: "conf", ClientID: testClientID, RedirectURL: profile.DefaultRedirectURL,
			SecretStorage: profile.StorageFile}, profile.Secrets{ClientSecret: testClientSecret})
		return nil
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, sharedFileName), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Main([]string{"--config-dir", dir, "new"}, Streams{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, wizard); code != ExitOK || created != nil {
		t.Fatalf("new with an unreadable %s: exit %d, save %v\n%s", sharedFileName, code, created, errOut.String())
	}
}

// Rehearsal profiles are never shared, so token --rehearsal does not read
// shared.json, and an unreadable one does not stop it.
func TestRehearsalTokenIgnoresAnUnreadableSharedList(t *testing.T) {
	w := newWorld(t)
	gone := httptest.NewServer(nil)
	gone.Close()
	demo, err := profile.Open(rehearsal.Dir(w.dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Create(profile.Profile{Name: "Demo", ClientID: testClientID, RedirectURL: w.redirect,
		AuthURL: gone.URL + "/authorize", TokenURL: gone.URL + "/oauth/token", APIBaseURL: gone.URL, Scopes: []string{"read:confluence-user"}},
		profile.Secrets{ClientSecret: testClientSecret, AccessToken: "still-valid", Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, sharedFileName), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.run("", nil, "token", "--rehearsal", "Demo")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "only while `authwiz demo` is running") || strings.Contains(r.stderr, sharedFileName) {
		t.Fatalf("token --rehearsal with an unreadable %s: exit %d, want the rehearsal's own answer\n%s", sharedFileName, r.code, r.stderr)
	}
}

// A profile made under a name left shared before new refused that keeps
// its settings when the record is forgotten, but not its tokens, which
// cannot be told from a copy of the shared grant's.
func TestForgetDropsTheTokensOfAProfileLeftShared(t *testing.T) {
	w := newWorld(t)
	w.saveWithSecrets("conf", profile.Secrets{AccessToken: "a", RefreshToken: "r", Expiry: time.Now().Add(time.Hour)})
	w.writeLinks(map[string]sharedLink{"conf": {Store: sharedStore}})

	mustRun(t, w, "`authwiz login conf`", "unshare", "--forget", "CONF")
	p, sec, err := mustGet(t, w.dir)
	if err != nil || p.Name != "conf" || sec.HasTokens() || sec.ClientSecret == "" {
		t.Fatalf("after unshare --forget the profile is %+v with tokens %v (%v); want it kept, with its client secret and no token", p, sec.HasTokens(), err)
	}
	if links, _ := loadShared(w.dir); len(links) != 0 {
		t.Fatalf("unshare --forget left the records %+v", links)
	}
}

func TestRenameRefusesANameLeftShared(t *testing.T) {
	w := newWorld(t)
	w.saveWithSecrets("local", profile.Secrets{})
	w.sharedHere("conf", sharedLink{Store: sharedStore})
	links, err := loadShared(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	links["Stale"] = sharedLink{Store: sharedStore, Grant: "old"}
	w.writeLinks(links)

	for _, from := range []string{"local", "conf"} {
		if r := w.run("", nil, "rename", from, "stale"); r.code != ExitUsage || !strings.Contains(r.stderr, "`authwiz unshare --forget stale`") {
			t.Fatalf("rename %s onto a name left shared: exit %d\n%s", from, r.code, r.stderr)
		}
	}
	if got, _ := loadShared(w.dir); len(got) != 2 || got["Stale"].Grant != "old" || got["conf"].Store != sharedStore {
		t.Fatalf("a refused rename changed the shared records: %+v", got)
	}
	mustRun(t, w, "Renamed", "rename", "conf", "CONF")
}

// Shared elsewhere, a profile leaves behind this host's journal of its old
// grant: while that holds the only copy of the refresh token, share
// refuses, before connecting anywhere.
func TestShareElsewhereKeepsAnAnswerOnlyThisHostHolds(t *testing.T) {
	w := newWorld(t)
	here, attemptsHere := downStore(t)
	w.sharedHere("conf", sharedLink{Store: here})
	id, err := seal.LoadOrCreate(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := grantstore.OpenJournal(w.dir, here, id).Put(grantstore.Entry{Name: "conf", Generation: 4}); err != nil {
		t.Fatal(err)
	}
	elsewhere, attempts := downStore(t)
	for _, args := range [][]string{{"--to", elsewhere}, {"--to", here, "--grant", "other"}} {
		r := w.run("", nil, append([]string{"share", "conf"}, args...)...)
		if r.code != ExitAttention || !strings.Contains(r.stderr, "`authwiz recover conf`") || !strings.Contains(r.stderr, "nothing was changed") {
			t.Fatalf("share %q of a profile whose journal holds an unsaved refresh: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if n := attempts.Load() + attemptsHere.Load(); n != 0 {
		t.Errorf("a refused share connected to a store %d times", n)
	}
	if links, _ := loadShared(w.dir); links["conf"].Store != here || links["conf"].Grant != "" {
		t.Fatalf("a refused share changed the record: %+v", links)
	}
	if _, kept, err := grantstore.OpenJournal(w.dir, here, id).Get("conf"); err != nil || !kept {
		t.Fatalf("a refused share dropped the journal (%v)", err)
	}
}

// A host knows a grant by its name (answers journaled by earlier versions
// are found by it alone): a grant of the same name in another store is
// refused, before connecting anywhere.
func TestShareRefusesAGrantNameThisHostUsesInAnotherStore(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("prod", sharedLink{Store: sharedStore, Grant: "conf"})
	w.saveWithSecrets("staging", profile.Secrets{AccessToken: "a", RefreshToken: "r", Expiry: time.Now().Add(time.Hour)})
	elsewhere, attempts := downStore(t)

	r := w.run("", nil, "share", "staging", "--to", elsewhere, "--grant", "conf")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `profile "prod" on this host already uses a grant called "conf"`) {
		t.Fatalf("share under a grant name used in another store: exit %d\n%s", r.code, r.stderr)
	}
	if n := attempts.Load(); n != 0 {
		t.Errorf("a refused share connected to the store %d times", n)
	}
	if _, ok, _ := sharedLinkOf(&rootOptions{configDir: w.dir}, "staging"); ok {
		t.Fatal("a refused share recorded the profile as shared")
	}
}
