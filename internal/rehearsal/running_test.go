package rehearsal

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/testkit"
)

// demoChildEnv makes the test binary a demo's server keeping its state in
// the dir the variable names, so a test can kill it as a user would.
const demoChildEnv = "AUTHWIZ_TEST_REHEARSAL_DEMO_DIR"

func TestMain(m *testing.M) { testkit.RunMain(m, demoChildEnv, runDemoServer) }

// runDemoServer serves until killed, after printing its port.
func runDemoServer(dir string) int {
	s, err := Start(0, KeepIn(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(s.Port())
	select {}
}

// writePortRecord records port for dir as a demo would, with an instance
// no server has.
func writePortRecord(t *testing.T, dir string, port int) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, portFile), []byte(fmt.Sprintf("%d\nnot-this-one\n", port)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A demo killed without closing leaves its port record: the port counts
// only while that demo answers on it.
func TestRunningPortForgetsAKilledDemo(t *testing.T) {
	dir := t.TempDir()
	child := testkit.Rerun(demoChildEnv, dir)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the demo did not start: %v", err)
	}
	want, _ := strconv.Atoi(strings.TrimSpace(line))
	if port, ok := RunningPort(dir); !ok || port != want {
		t.Fatalf("while the demo runs: port %d %v, want %d", port, ok, want)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if _, err := os.Stat(filepath.Join(dir, portFile)); err != nil {
		t.Fatalf("the killed demo's record should be left behind: %v", err)
	}
	if port, ok := RunningPort(dir); ok {
		t.Errorf("a killed demo counts as running on port %d", port)
	}
}

// Two demos run from the same dir, the second with --port another number:
// when the second closes, the first is found running again, and when the
// first closes too, no record is left.
func TestClosingASecondDemoGivesTheRecordBack(t *testing.T) {
	dir := t.TempDir()
	first := startKeeping(t, dir)
	second := startKeeping(t, dir)
	if port, ok := RunningPort(dir); !ok || port != second.Port() {
		t.Fatalf("while both run: port %d %v, want the second's %d", port, ok, second.Port())
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	if port, ok := RunningPort(dir); !ok || port != first.Port() {
		t.Errorf("after the second closed: port %d %v, want the first's %d", port, ok, first.Port())
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, portFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after both closed the record is still there: %v", err)
	}
}

// The record a second demo found is not given back once the first demo
// has stopped: nothing runs from the dir any more.
func TestClosingASecondDemoForgetsAStoppedFirst(t *testing.T) {
	dir := t.TempDir()
	first := startKeeping(t, dir)
	second := startKeeping(t, dir)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, portFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after both closed the record is still there: %v", err)
	}
}

// A record counts only when the rehearsal server that wrote it answers on
// its port; whatever else is there, the answer is "not running", and soon.
func TestRunningPortRefusesAStaleRecord(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "an unrelated page") }))
	t.Cleanup(other.Close)
	silent := testkit.SilentListener(t)
	anotherDemo := start(t)
	portOf := func(addr string) int {
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		return n
	}

	for _, tc := range []struct {
		name   string
		record func(dir string)
	}{
		{"nothing listens", func(dir string) { writePortRecord(t, dir, testport.Free(t)) }},
		{"another web server", func(dir string) { writePortRecord(t, dir, portOf(other.Listener.Addr().String())) }},
		{"a program that never answers", func(dir string) { writePortRecord(t, dir, portOf(silent)) }},
		{"another demo's server", func(dir string) { writePortRecord(t, dir, anotherDemo.Port()) }},
		{"an older record without an instance", func(dir string) {
			os.WriteFile(filepath.Join(dir, portFile), []byte(strconv.Itoa(anotherDemo.Port())+"\n"), 0o600)
		}},
		{"no record", func(string) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.record(dir)
			began := time.Now()
			if port, ok := RunningPort(dir); ok {
				t.Errorf("running on port %d", port)
			}
			// A status or token command asks this: it must not hang on a
			// port that never answers.
			if took := time.Since(began); took > 5*probeTimeout {
				t.Errorf("the answer took %v", took)
			}
		})
	}
}

// A state that cannot be kept is reported by Close, naming the file and
// why, never dropped: the next demo run would not know this run's grants.
func TestCloseReportsAStateItCannotKeep(t *testing.T) {
	dir := t.TempDir()
	s := startKeeping(t, dir)
	// A directory where the file goes stops even a user who may write
	// anywhere.
	path := filepath.Join(dir, stateFile)
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(path, "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	err := s.Close()
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("Close = %v, want the state file's path, the cause and what to do", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != stateFile {
			t.Errorf("a failed save left %s behind", e.Name())
		}
	}
}

// In a dir that became read-only, Close says so, and the state kept
// before stays whole: it is replaced at once or not at all.
func TestCloseInAReadOnlyDirKeepsTheEarlierState(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("a read-only dir stops writes only for an ordinary user on Unix")
	}
	dir := t.TempDir()
	s := startKeeping(t, dir)
	if err := s.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, stateFile)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if err := s.RegisterCallback(redirect + "/other"); err != nil {
		t.Fatal(err)
	}
	err = s.Close()
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Close = %v, want the state file's path and the permission refused", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("the earlier state changed:\n%s", after)
	}
}

// Close keeps what the server knows at the end, whatever an earlier save
// met, so a demo that closes normally loses nothing.
func TestCloseSavesTheLastState(t *testing.T) {
	dir := t.TempDir()
	s := startKeeping(t, dir)
	path := filepath.Join(dir, stateFile)
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterCallback(redirect); err != nil {
		t.Fatal(err)
	}
	// The way is clear again before the demo ends.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), redirect) {
		t.Fatalf("the state Close kept: %s %v", data, err)
	}
	info, _ := os.Stat(path)
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %04o", stateFile, info.Mode().Perm())
	}
}
