package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/testkit"
)

// Changes to shared.json made at once, each with its own open lock file
// as two processes have, all survive: none reads the records before
// another's change is written and then writes its stale copy over it.
// Many rounds, so that losing a change is all but certain without the
// lock.
func TestConcurrentLinkChangesAllSurvive(t *testing.T) {
	const rounds, adders = 20, 7
	for round := range rounds {
		root := &rootOptions{configDir: t.TempDir()}
		if err := saveShared(root.configDir, map[string]sharedLink{"old": {Store: sharedStore}}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, adders+1)
		for i := range adders {
			wg.Go(func() {
				_, err := editLinks(root, func(links map[string]sharedLink) {
					links[fmt.Sprintf("p%d", i)] = sharedLink{Store: sharedStore}
				})
				errs <- err
			})
		}
		wg.Go(func() { errs <- errors.Join(copyLink(root, "old", "new"), settleRename(root, "old", "new")) })
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		links, err := loadShared(root.configDir)
		if err != nil {
			t.Fatal(err)
		}
		want := adders + 1
		_, stale := links["old"]
		if len(links) != want || stale || links["new"].Grant != "old" {
			t.Fatalf("round %d: after %d records added and one renamed at once, shared.json holds %d: %v; want all %d, the renamed one as \"new\" only",
				round, adders, len(links), keysOf(links), want)
		}
	}
}

func keysOf(links map[string]sharedLink) []string {
	var names []string
	for name := range links {
		names = append(names, name)
	}
	return names
}

// holdLinksEnv makes the test binary hold the lock of shared.json in the
// config directory it names, as a change to it does, until its stdin
// closes: another authwiz process busy with the records.
const holdLinksEnv = "AUTHWIZ_CLI_TEST_HOLD_LINKS"

// holdLinks is the helper process holdLinksEnv starts: it says "held"
// once it holds the lock.
func holdLinks(dir string) int {
	_, err := editLinks(&rootOptions{configDir: dir}, func(map[string]sharedLink) {
		fmt.Println("held")
		io.Copy(io.Discard, os.Stdin)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// A command that changes shared.json while another process holds its
// lock waits a bounded time, then says which process holds it and what
// to do, and changes nothing.
func TestLinksLockHeldByAnotherProcess(t *testing.T) {
	w := newWorld(t)
	w.sharedHere("conf", sharedLink{Store: sharedStore, Refreshers: []string{"age1x"}})

	holder := testkit.Rerun(holdLinksEnv, w.dir)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var holderErr bytes.Buffer
	holder.Stderr = &holderErr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); holder.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "held\n" {
		stdin.Close()
		holder.Wait()
		t.Fatalf("the helper process did not take the lock: %q %s", line, holderErr.String())
	}

	r := w.runWaiting(200*time.Millisecond, "rename", "conf", "prod")
	for _, want := range []string{
		"authwiz process PID " + strconv.Itoa(holder.Process.Pid),
		"-test.run=^$", // the holder's command line
		"the list of shared profiles", sharedFileName,
		"wait for it to finish and try again, or end that process if it is stuck",
		"nothing was renamed",
	} {
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("rename while another process holds the shared records lacks %q: exit %d\n%s", want, r.code, r.stderr)
		}
	}
	if links, _ := loadShared(w.dir); len(links) != 1 || links["conf"].Store != sharedStore {
		t.Errorf("the shared records changed under another process's lock: %v", links)
	}
	mustGet(t, w.dir) // still called "conf"

	stdin.Close()
	if err := holder.Wait(); err != nil {
		t.Fatalf("the helper process: %v %s", err, holderErr.String())
	}
	mustRun(t, w, `Renamed "conf" to "prod"`, "rename", "conf", "prod")
}

// runWaiting runs authwiz in this process with every lock wait bounded by
// wait; a run that outlasts a generous deadline is a hang.
func (w *world) runWaiting(wait time.Duration, args ...string) result {
	w.t.Helper()
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		opts := &rootOptions{keyring: failingKeyring{}, lockWait: wait}
		root := newRootCmdWith(Streams{In: strings.NewReader(""), Out: &out, Err: &errOut}, nil, opts)
		root.SetArgs(append([]string{"--config-dir", w.dir}, args...))
		code := ExitOK
		if err := root.ExecuteContext(context.Background()); err != nil {
			printError(&errOut, err)
			code = exitCode(err)
		}
		done <- result{code, out.String(), errOut.String()}
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		w.t.Fatalf("authwiz %s hangs on a held lock", strings.Join(args, " "))
		return result{}
	}
}

// The bug as a person meets it: `authwiz share` of different profiles run
// at once, each its own process, all leave their record in shared.json,
// so none of those profiles reads as unshared here afterwards.
func TestConcurrentSharesAreAllRecorded(t *testing.T) {
	w := newWorld(t)
	dsn := pgtest.Database(t)
	const n = 4
	for i := range n {
		w.create(fmt.Sprintf("p%d", i))
	}
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, n)
	errs := make([]error, n)
	for i := range n {
		args := []string{"--config-dir", w.dir, "--secrets", "file", "share", fmt.Sprintf("p%d", i), "--to", dsn}
		cmd := testkit.Rerun(helperEnv, strings.Join(args, "\x1f"))
		cmd.Stderr = &outs[i]
		wg.Go(func() { errs[i] = cmd.Run() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("share p%d: %v\n%s", i, err, outs[i].String())
		}
	}
	links, err := loadShared(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != n {
		t.Fatalf("after %d shares at once shared.json records %v; want all %d", n, keysOf(links), n)
	}
}
