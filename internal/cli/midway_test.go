package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
	"github.com/authwiz/authwiz/internal/testkit"
)

// stopMidwayEnv makes the test binary run authwiz (helperEnv) and kill
// itself at the midway step it names, as kill -9 or a power cut would:
// nothing after that point runs, no error path, no deferred call.
const stopMidwayEnv = "AUTHWIZ_CLI_TEST_STOP_MIDWAY"

// stopAt is midway in the helper process: it says so, then kills it at
// the step want.
func stopAt(want string) func(string) {
	return func(step string) {
		if step != want {
			return
		}
		fmt.Fprintf(os.Stderr, "stopped at %s\n", step)
		if self, err := os.FindProcess(os.Getpid()); err == nil {
			self.Kill()
		}
		time.Sleep(time.Minute)
	}
}

// stopMidway runs authwiz with args in its own process, killed at step.
func (w *world) stopMidway(step string, args ...string) {
	w.t.Helper()
	cmd := testkit.Rerun(helperEnv, strings.Join(append([]string{"--config-dir", w.dir}, args...), "\x1f"), stopMidwayEnv+"="+step)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "stopped at "+step) {
		w.t.Fatalf("authwiz %s did not stop at %q: %v\n%s", strings.Join(args, " "), step, err, out)
	}
}

// sharedWithOwnTokens is sharedHere for a profile that still holds
// tokens of its own, valid for an hour: read as unshared, token would
// print them, where a shared profile's must come from its store.
func (w *world) sharedWithOwnTokens(name string, link sharedLink) {
	w.t.Helper()
	if _, err := seal.LoadOrCreate(w.dir); err != nil {
		w.t.Fatal(err)
	}
	w.saveWithSecrets(name, profile.Secrets{AccessToken: "local-access-token", RefreshToken: "local-refresh-token",
		TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)})
	w.writeLinks(map[string]sharedLink{name: link})
}

// readsAsShared fails the test unless token, status and list all take
// the profile called name for a shared one, whose store is down.
func (w *world) readsAsShared(name string) {
	w.t.Helper()
	if r := w.run("", nil, "token", name); r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "127.0.0.1") {
		w.t.Errorf("token %s of a shared profile whose store is down: exit %d, printed %q\n%s", name, r.code, r.stdout, r.stderr)
	}
	var st []profileStatus
	decode(w.t, w.run("", nil, "status", name, "--json").stdout, &st)
	if len(st) != 1 || st[0].Shared == nil || st[0].Shared.State != "unreachable" {
		w.t.Errorf("status of %s does not read it as shared: %+v", name, st)
	}
	if r := w.run("", nil, "list"); !strings.Contains(r.stdout, "shared, store unreachable") {
		w.t.Errorf("list does not read %s as shared:\n%s", name, r.stdout)
	}
}

// A rename stopped between its writes leaves the profile, under either
// name, with its record: it never reads as unshared, list says how to
// finish, and the rename run again does.
func TestRenameStoppedMidwayKeepsTheProfileShared(t *testing.T) {
	for _, step := range []string{"rename: record copied", "rename: profile renamed"} {
		t.Run(step, func(t *testing.T) {
			w := newWorld(t)
			store, _ := downStore(t)
			w.sharedWithOwnTokens("conf", sharedLink{Store: store, Refreshers: []string{"age1x"}})

			w.stopMidway(step, "rename", "conf", "prod")
			w.readsAsShared(profileNow(t, w))
			if r := w.run("", nil, "list"); !strings.Contains(r.stderr, "stopped midway") || !strings.Contains(r.stderr, "`authwiz rename conf prod`") {
				t.Errorf("list after a rename stopped at %q does not say how to finish it:\n%s", step, r.stderr)
			}

			mustRun(t, w, `"prod"`, "rename", "conf", "prod")
			links, err := loadShared(w.dir)
			if l, ok := links["prod"]; err != nil || len(links) != 1 || !ok || l.Grant != "conf" || l.RenamedFrom != "" || l.Store != store {
				t.Fatalf("after the rename run again shared.json holds %+v (%v); want only prod's record, of the grant conf", links, err)
			}
			w.readsAsShared("prod")
			if r := w.run("", nil, "list"); strings.Contains(r.stderr, "Warning") {
				t.Errorf("list still warns after the rename was finished:\n%s", r.stderr)
			}
		})
	}
}

// The old name's record left by a rename stopped after the profile was
// renamed is not forgotten with the renamed profile's copy of it, by
// unshare --forget or delete of the old name: those finish the rename.
func TestForgettingTheOldNameOfARenameStoppedMidwayFinishesIt(t *testing.T) {
	for _, args := range [][]string{{"unshare", "--forget", "conf"}, {"delete", "conf", "--yes"}} {
		t.Run(args[0], func(t *testing.T) {
			w := newWorld(t)
			store, _ := downStore(t)
			w.sharedWithOwnTokens("conf", sharedLink{Store: store, Refreshers: []string{"age1x"}})
			w.stopMidway("rename: profile renamed", "rename", "conf", "prod")

			mustRun(t, w, `Finished renaming "conf" to "prod"`, args...)
			links, err := loadShared(w.dir)
			if l, ok := links["prod"]; err != nil || len(links) != 1 || !ok || l.Grant != "conf" || l.RenamedFrom != "" {
				t.Fatalf("after %v shared.json holds %+v (%v); want only prod's record, of the grant conf", args, links, err)
			}
			w.readsAsShared("prod")
		})
	}
}

// A delete stopped after the profile went leaves its shared record, which
// list names; the delete run again drops it.
func TestDeleteStoppedMidwayIsFinishedByDeletingAgain(t *testing.T) {
	w := newWorld(t)
	store, _ := downStore(t)
	w.sharedWithOwnTokens("conf", sharedLink{Store: store, Refreshers: []string{"age1x"}})

	w.stopMidway("delete: profile deleted", "delete", "conf", "--yes")
	if r := w.run("", nil, "list"); !strings.Contains(r.stderr, "no profile here is called that") {
		t.Errorf("list after a delete stopped midway does not name the record left:\n%s", r.stderr)
	}
	mustRun(t, w, "no longer keeps a record", "delete", "conf", "--yes")
	if links, err := loadShared(w.dir); err != nil || len(links) != 0 {
		t.Fatalf("after the delete run again shared.json holds %+v (%v)", links, err)
	}
	if r := w.run("", nil, "delete", "conf", "--yes"); r.code != ExitNotFound {
		t.Errorf("a third delete: exit %d, want %d\n%s", r.code, ExitNotFound, r.stderr)
	}
}

// profileNow is the name of the one profile in w.
func profileNow(t *testing.T, w *world) string {
	t.Helper()
	store, err := profile.Open(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := store.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("want one profile, have %d (%v)", len(list), err)
	}
	return list[0].Name
}

// A share stopped between its writes never leaves the profile reading as
// unshared while the store holds its grant: stopped before the store took
// it, token and status say the share stopped and how to finish; after,
// the profile already uses the store. Run again, share finishes, and no
// copy of the tokens is left here.
func TestShareStoppedMidwayIsFinishedBySharingAgain(t *testing.T) {
	dsn := pgtest.Database(t)
	for i, step := range []string{"share: recorded", "share: grant stored"} {
		t.Run(step, func(t *testing.T) {
			w := newWorld(t)
			name := fmt.Sprintf("conf%d", i)
			w.create(name)
			w.stopMidway(step, "--secrets", "file", "share", name, "--to", dsn)

			if r := w.run("", nil, "token", name); step == "share: recorded" &&
				(r.code != ExitAttention || r.stdout != "" || !strings.Contains(r.stderr, "share stopped midway") || !strings.Contains(r.stderr, "`authwiz share "+name+" --to ")) {
				t.Errorf("token after a share stopped before the store took the grant: exit %d, printed %q\n%s", r.code, r.stdout, r.stderr)
			}
			var st []profileStatus
			decode(t, w.run("", nil, "status", name, "--json").stdout, &st)
			if len(st) != 1 || st[0].Shared == nil {
				t.Fatalf("status after a share stopped at %q does not read the profile as shared: %+v", step, st)
			}

			mustRun(t, w, "", "share", name, "--to", dsn)
			store, err := profile.Open(w.dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, sec, err := store.Get(name); err != nil || sec.HasTokens() {
				t.Errorf("after the share run again this host still holds tokens of the grant (%v)", err)
			}
			if r := mustRun(t, w, "", "token", name); strings.TrimSpace(r.stdout) == "" {
				t.Error("token prints nothing once the share is finished")
			}
		})
	}
}

// An unshare stopped after the store marked the grant moved leaves this
// host's copy as the only one: token and status say to finish the
// unshare, never to delete the profile, and unshare run again finishes.
func TestUnshareOfASharedGrantStoppedMidwayIsFinishedByUnsharingAgain(t *testing.T) {
	h := shareConf(t)
	h.b.stopMidway("unshare: grant moved", "--secrets", "file", "unshare", "conf")

	r := h.b.run("", nil, "token", "conf")
	if r.code != ExitAttention || !strings.Contains(r.stderr, "stopped midway") || !strings.Contains(r.stderr, "`authwiz unshare conf`") ||
		strings.Contains(r.stderr, "authwiz delete") {
		t.Errorf("token after an unshare stopped midway: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.b.run("", nil, "status", "conf"); !strings.Contains(r.stdout, "`authwiz unshare conf`") || strings.Contains(r.stdout, "authwiz delete") {
		t.Errorf("status after an unshare stopped midway:\n%s", r.stdout)
	}

	mustRun(t, h.b, "back on this host alone", "unshare", "conf")
	if links, err := loadShared(h.b.dir); err != nil || len(links) != 0 {
		t.Errorf("after the unshare run again shared.json holds %+v (%v)", links, err)
	}
	if r := mustRun(t, h.b, "", "token", "conf"); strings.TrimSpace(r.stdout) == "" {
		t.Error("token prints nothing once the unshare is finished")
	}
}

// Forgetting the copy of a record a rename stopped midway left keeps
// this host's journal and cache of the grant, which the profile's own
// record still leads to.
func TestSharedRecordCopyForgottenKeepsTheGrantsCache(t *testing.T) {
	h := shareConf(t)
	mustRun(t, h.a, "", "token", "conf")
	cached := func() []string {
		files, _ := filepath.Glob(filepath.Join(h.a.dir, grantstore.CacheDirName, "*"))
		return files
	}
	before := cached()
	if len(before) == 0 {
		t.Fatal("token of a shared grant cached nothing: this test checks nothing")
	}
	h.a.stopMidway("rename: record copied", "--secrets", "file", "rename", "conf", "prod")

	mustRun(t, h.a, "no longer keeps a record", "unshare", "--forget", "prod")
	if after := cached(); !slices.Equal(after, before) {
		t.Errorf("forgetting the copy left by a stopped rename changed the grant's cache: %v, was %v", after, before)
	}
	if links, _ := loadShared(h.a.dir); len(links) != 1 || links["conf"].Store != h.dsn {
		t.Errorf("forgetting the copy left by a stopped rename left %+v; want conf's record alone", links)
	}
}
