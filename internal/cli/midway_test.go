package cli

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

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
