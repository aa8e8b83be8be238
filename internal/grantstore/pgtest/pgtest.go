// Package pgtest gives tests a real PostgreSQL, started by the repository's
// .ci/postgres script from Debian's package, or skips them with the reason.
//
// AUTHWIZ_TEST_POSTGRES decides:
//   - unset: the tests skip, saying how to run them;
//   - "auto": a cluster is started; when that is impossible, they skip;
//   - "require" (CI): a cluster is started; when that is impossible, they fail.
package pgtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar turns the PostgreSQL tests on.
const EnvVar = "AUTHWIZ_TEST_POSTGRES"

// Cluster is a running PostgreSQL server of the tests' own.
type Cluster struct {
	Dir string // the cluster's directory, for the script's stop and resume
	DSN string // superuser connection to its postgres database
}

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
	databases  atomic.Int64
)

// Main runs a package's tests and then removes the cluster they shared:
// call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		script("remove", shared.Dir)
	}
	return code
}

// Database is a fresh database on the package's shared cluster, dropped
// with the test; it returns the superuser DSN for it.
func Database(t testing.TB) string {
	t.Helper()
	wanted(t)
	sharedOnce.Do(func() { shared, sharedErr = start() })
	if sharedErr != nil {
		unavailable(t, sharedErr)
	}
	return shared.Database(t)
}

// Own is a cluster for one test alone, for tests that stop and resume the
// server; it is removed with the test.
func Own(t testing.TB) *Cluster {
	t.Helper()
	wanted(t)
	c, err := start()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() { script("remove", c.Dir) })
	return c
}

// Database creates a fresh database on c and returns its DSN.
func (c *Cluster) Database(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("authwiz_test_%d_%d", os.Getpid(), databases.Add(1))
	c.Exec(t, "CREATE DATABASE "+name)
	u, err := url.Parse(c.DSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Exec runs SQL as the superuser on c's postgres database.
func (c *Cluster) Exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	Exec(t, c.DSN, sql, args...)
}

// Stop stops the server at once, as a crash or a lost network would.
func (c *Cluster) Stop(t testing.TB) {
	t.Helper()
	if _, err := script("stop", c.Dir); err != nil {
		t.Fatal(err)
	}
}

// Resume starts the stopped server again, on the same port.
func (c *Cluster) Resume(t testing.TB) {
	t.Helper()
	if _, err := script("resume", c.Dir); err != nil {
		t.Fatal(err)
	}
}

// Dump is pg_dump's output for the database of dsn.
func Dump(t testing.TB, dsn string) []byte {
	t.Helper()
	bin, err := script("bin")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(strings.TrimSpace(string(bin)), "pg_dump"), "--dbname", dsn).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	return out
}

func wanted(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvVar) == "" {
		t.Skipf("needs PostgreSQL: set %s=auto (or require) to start one with .ci/postgres", EnvVar)
	}
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvVar) == "require" {
		t.Fatalf("%s=require but no PostgreSQL could be started: %v", EnvVar, err)
	}
	t.Skipf("no PostgreSQL could be started: %v", err)
}

func start() (*Cluster, error) {
	out, err := script("start")
	if err != nil {
		return nil, err
	}
	c := &Cluster{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), "=")
		switch key {
		case "AUTHWIZ_PG_DIR":
			c.Dir = value
		case "AUTHWIZ_PG_DSN":
			c.DSN = value
		}
	}
	if c.Dir == "" || c.DSN == "" {
		return nil, fmt.Errorf(".ci/postgres start printed no cluster: %q", out)
	}
	return c, nil
}

// script runs .ci/postgres, found above the test's working directory.
func script(args ...string) ([]byte, error) {
	path, err := findScript()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf(".ci/postgres %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func findScript() (string, error) {
	start, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := start; ; {
		path := filepath.Join(dir, ".ci", "postgres")
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no .ci/postgres in %s or above", start)
		}
		dir = parent
	}
}

// Exec runs SQL on the database of dsn, as a test that stands in for time
// passing or for an administrator does.
func Exec(t testing.TB, dsn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
