//go:build unix

package grantstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
	"github.com/authwiz/authwiz/internal/testkit"
)

// hostEnv makes the test binary one host asking for the shared grant's
// token, as `authwiz token` does; its value is the host's hostConfig file.
// The PostgreSQL tests here each start a cluster of their own
// (pgtest.Own): this TestMain does not remove a shared one.
const hostEnv = "AUTHWIZ_TEST_SHARED_HOST"

func TestMain(m *testing.M) { testkit.RunMain(m, hostEnv, runHost) }

// hostConfig is one host: its config dir (key, journal, cache), its copy
// of the settings, the keys it seals to, and how it misbehaves.
type hostConfig struct {
	DSN        string
	Dir        string
	Settings   profile.Profile
	Refreshers []string
	// Skew is how far this host's clock is off.
	Skew time.Duration
	// Claim is how long its claims last (0: the default).
	Claim time.Duration
	// Pause, when set, stops it that long between journal and commit,
	// after printing "journaled".
	Pause time.Duration
	// Recover runs `authwiz recover` instead of token.
	Recover bool
	// Check is the API base the token must work against before it is
	// printed.
	Check string
}

func runHost(path string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, err); return 1 }
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	var cfg hostConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return fail(err)
	}
	id, err := seal.Load(cfg.Dir)
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	store, err := pgstore.Open(ctx, cfg.DSN, id, pgstore.Recipients{Refreshers: cfg.Refreshers})
	if err != nil {
		return fail(err)
	}
	defer store.Close()
	src := &grantstore.Source{Store: store, Name: cfg.Settings.Name, Settings: cfg.Settings,
		Host: fmt.Sprintf("%s (PID %d)", filepath.Base(cfg.Dir), os.Getpid()), Claim: cfg.Claim,
		Journal: grantstore.OpenJournal(cfg.Dir, cfg.DSN, id), Cache: grantstore.OpenCache(cfg.Dir, cfg.DSN, id), Poll: 20 * time.Millisecond,
		Now:  func() time.Time { return time.Now().Add(cfg.Skew) },
		Warn: func(msg string) { fmt.Fprintln(os.Stderr, "warning:", msg) }}
	if cfg.Pause > 0 {
		grantstore.StopAfterJournal(src, func() {
			fmt.Println("journaled")
			time.Sleep(cfg.Pause)
		})
	}
	if cfg.Recover {
		if _, err := src.Recover(ctx); err != nil {
			return fail(err)
		}
		fmt.Println("recovered")
		return 0
	}
	tok, err := src.Token(ctx)
	if err != nil {
		return fail(err)
	}
	if cfg.Check != "" && !storetest.WorksAt(cfg.Check, tok.AccessToken) {
		return fail(fmt.Errorf("the token handed out (generation %d, cached %t) does not work", tok.Generation, tok.Cached))
	}
	fmt.Println(tok.AccessToken)
	return 0
}

// hosts are n config dirs with a key each.
func hosts(t *testing.T, n int) (dirs, keys []string) {
	t.Helper()
	for range n {
		dir := t.TempDir()
		id, err := seal.LoadOrCreate(dir)
		if err != nil {
			t.Fatal(err)
		}
		dirs, keys = append(dirs, dir), append(keys, id.Recipient())
	}
	return dirs, keys
}

// shareTo puts the grant into the store at dsn, sealed to keys, as
// `authwiz share` does on the host whose config dir is dir; the store is
// opened as that host.
func shareTo(t *testing.T, dsn, dir string, keys []string, p profile.Profile, sec profile.Secrets) *pgstore.Store {
	t.Helper()
	id, err := seal.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := pgstore.Open(ctx, dsn, id, pgstore.Recipients{Refreshers: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Share(ctx, p, sec); err != nil {
		t.Fatal(err)
	}
	return s
}

// proc is one host process, started.
type proc struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *testkit.Buffer
	exited chan error
	out    []string
}

func start(t *testing.T, cfg hostConfig) *proc {
	t.Helper()
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "host.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	p := &proc{lines: make(chan string, 16), stderr: &testkit.Buffer{}, exited: make(chan error, 1)}
	p.cmd = testkit.Rerun(hostEnv, path)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
		close(p.lines)
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

// line is the next line the host prints.
func (p *proc) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			t.Fatalf("the host ended without saying more:\n%s", p.stderr)
		}
		p.out = append(p.out, l)
		return l
	case <-time.After(90 * time.Second):
		t.Fatalf("the host said nothing for 90s:\n%s", p.stderr)
	}
	return ""
}

// wait is the host's exit and what it printed last.
func (p *proc) wait(t *testing.T) (string, error) {
	t.Helper()
	for l := range p.lines {
		p.out = append(p.out, l)
	}
	select {
	case err := <-p.exited:
		last := ""
		if len(p.out) > 0 {
			last = p.out[len(p.out)-1]
		}
		return last, err
	case <-time.After(90 * time.Second):
		t.Fatalf("the host did not end:\n%s", p.stderr)
	}
	return "", nil
}

// waitErr is how the host ended.
func (p *proc) waitErr(t *testing.T) error {
	t.Helper()
	_, err := p.wait(t)
	return err
}

func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}
