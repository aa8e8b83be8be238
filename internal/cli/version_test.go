package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionSaysWhichBuildThisIs(t *testing.T) {
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "2b8f489c0ffee0123456789abcdef0123456789a"},
			{Key: "vcs.time", Value: "2026-12-01T23:10:00Z"}, {Key: "vcs.modified", Value: modified}}
	}
	devel := debug.Module{Path: "github.com/authwiz/authwiz", Version: "(devel)"}
	for _, tc := range []struct {
		release string
		info    *debug.BuildInfo
		want    string
	}{
		{"1.4.0", &debug.BuildInfo{Main: devel, Settings: vcs("true")}, "1.4.0"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0", Sum: "h1:abc="}}, "v1.2.0"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201231000-2b8f489c0ffe+dirty"}}, "v0.0.0-20261201231000-2b8f489c0ffe+dirty"},
		{"dev", &debug.BuildInfo{Main: devel, Settings: vcs("false")}, "dev (git 2b8f489c0ffe, committed 2026-12-01T23:10:00Z)"},
		{"dev", &debug.BuildInfo{Main: devel, Settings: vcs("true")}, "dev (git 2b8f489c0ffe, committed 2026-12-01T23:10:00Z, with uncommitted changes)"},
		{"dev", &debug.BuildInfo{Main: devel}, "dev (no revision recorded: built outside a git checkout or with -buildvcs=false)"},
		{"dev", nil, "dev (no build information)"},
	} {
		if got := version(tc.release, tc.info); got != tc.want {
			t.Errorf("version(%q, %+v) = %q, want %q", tc.release, tc.info, got, tc.want)
		}
	}
	if r := newWorld(t).run("", nil, "--version"); r.code != 0 || r.stdout != "authwiz version "+buildVersion()+"\n" {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
}
