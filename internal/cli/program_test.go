package cli

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
)

func TestProgramNameIsTheWayItWasStarted(t *testing.T) {
	checkout := &debug.BuildInfo{Path: "github.com/authwiz/authwiz/cmd/authwiz", Main: debug.Module{Path: "github.com/authwiz/authwiz", Version: "(devel)"}}
	released := &debug.BuildInfo{Path: "github.com/authwiz/authwiz/cmd/authwiz",
		Main: debug.Module{Path: "github.com/authwiz/authwiz", Version: "v1.2.0", Sum: "h1:abc="}}
	for _, tc := range []struct {
		arg0 string
		info *debug.BuildInfo
		want string
	}{
		{"/tmp/go-build2865246480/b001/exe/authwiz", checkout, "go run ./cmd/authwiz"},
		{"/home/ada/.cache/go-build/8f/8f3a/exe/authwiz", checkout, "go run ./cmd/authwiz"},
		{`C:\Users\ada\AppData\Local\Temp\go-build123\b001\exe\authwiz.exe`, nil, "go run ./cmd/authwiz"},
		{"/tmp/go-build1/b001/exe/authwiz", released, "go run github.com/authwiz/authwiz/cmd/authwiz@v1.2.0"},
		{"authwiz", checkout, "authwiz"},
		{"./authwiz", checkout, "./authwiz"},
		{"/opt/tools/authwiz", released, "/opt/tools/authwiz"},
		{"/opt/my tools/authwiz", nil, `"/opt/my tools/authwiz"`},
		{"", nil, "authwiz"},
	} {
		if got := programName(tc.arg0, tc.info); got != tc.want {
			t.Errorf("programName(%q) = %q, want %q", tc.arg0, got, tc.want)
		}
	}
}

// Started with `go run`, every command authwiz suggests starts that way, so
// it works when pasted into the same shell.
func TestSuggestedCommandsStartAsTheProgramDid(t *testing.T) {
	defer func(was string) { profile.Program = was }(profile.Program)
	profile.Program = "go run ./cmd/authwiz"
	w := newWorld(t)
	if r := w.run("", nil, "list"); !strings.Contains(r.stderr, "`go run ./cmd/authwiz demo` to rehearse") {
		t.Errorf("list with no profiles:\n%s", r.stderr)
	}
	w.create("p")
	if r := w.run("", nil, "show", "q"); !strings.Contains(r.stderr, "`go run ./cmd/authwiz list` shows them") {
		t.Errorf("show of an unknown profile:\n%s", r.stderr)
	}
	if r := w.run("", nil, "status", "--offline", "--rehearsal", "nothing"); !strings.Contains(r.stderr, "`go run ./cmd/authwiz list`") {
		t.Errorf("status of an unknown rehearsal profile:\n%s", r.stderr)
	}
}
