package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version is what --version says: the version set at release build time,
// else the module's version (go install …@v1.2.0), else the checkout's
// revision, commit time and whether it had uncommitted changes, so a build
// from a checkout can still be told apart.
func version(release string, info *debug.BuildInfo) string {
	if release != "" && release != "dev" {
		return release
	}
	if info == nil {
		return "dev (no build information)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		if s.Key == "vcs" || strings.HasPrefix(s.Key, "vcs.") {
			vcs[s.Key] = s.Value
		}
	}
	rev := vcs["vcs.revision"]
	if rev == "" {
		return "dev (no revision recorded: built outside a git checkout or with -buildvcs=false)"
	}
	out := "dev (" + vcs["vcs"] + " " + rev[:min(12, len(rev))]
	if t := vcs["vcs.time"]; t != "" {
		out += fmt.Sprintf(", committed %s", t)
	}
	if vcs["vcs.modified"] == "true" {
		out += ", with uncommitted changes"
	}
	return out + ")"
}

// buildVersion is version for this program.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return version(Version, info)
}
