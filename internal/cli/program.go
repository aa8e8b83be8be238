package cli

import (
	"os"
	"runtime/debug"
	"strings"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
)

// Run is authwiz as a program: os.Args on the standard streams, suggesting
// commands the way it was started.
func Run(wizard launch.Wizard) int {
	info, _ := debug.ReadBuildInfo()
	profile.Program = programName(os.Args[0], info)
	return Main(os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, wizard)
}

// programName is how the commands authwiz suggests start, so that they work
// as printed in the shell that started it. `go run` builds into a
// go-build directory and installs nothing, so `authwiz …` would be "command
// not found": suggest `go run` again, of the released module when it was
// one (it then has a checksum), else of the checkout's ./cmd/authwiz.
// Otherwise the program is named as it was started: a bare name, found on
// $PATH, or the path typed.
func programName(arg0 string, info *debug.BuildInfo) string {
	// Either separator: a Windows path reads the same on any system.
	dirs := strings.FieldsFunc(arg0, func(r rune) bool { return r == '/' || r == '\\' })
	for _, dir := range dirs[:max(len(dirs)-1, 0)] {
		if strings.HasPrefix(dir, "go-build") {
			if info != nil && info.Main.Sum != "" {
				return "go run " + info.Path + "@" + info.Main.Version
			}
			return "go run ./cmd/authwiz"
		}
	}
	if arg0 == "" {
		return "authwiz"
	}
	return shellWord(arg0)
}

// shellWord is a path as one word of a command line: as it is when no
// shell would change it, else quoted.
func shellWord(path string) string {
	if path != "" && strings.Trim(path, `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./\:`) == "" {
		return path
	}
	return profile.QuoteName(path)
}

// suggest is the command line words as the admin can run it here.
func suggest(words string) string { return profile.Program + " " + words }
