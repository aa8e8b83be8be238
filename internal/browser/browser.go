// Package browser opens web pages in the admin's browser: the programs in
// $BROWSER first, then the platform's opener. It refuses anything but
// http(s) and never launches a text browser into the terminal authwiz is
// drawing on: where no graphical browser can be reached (an SSH session, a
// Linux console without a display) it says so instead. The programs it
// starts never see authwiz's own environment variables, the client secret
// among them. Callers always show the URL as well, so a failure here never
// ends a flow.
package browser

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Opener opens a URL in a browser.
type Opener interface {
	Open(url string) error
}

// NoBrowserError says why no browser is tried here; the caller shows the
// URL for the admin to open on their own machine.
type NoBrowserError struct {
	Reason string
}

func (e *NoBrowserError) Error() string {
	return "no browser can be opened here (" + e.Reason + "); open the link on a machine with a browser"
}

// ErrNoBrowser matches every *NoBrowserError with errors.Is.
var ErrNoBrowser = errors.New("no browser can be opened here")

// Is makes errors.Is(err, ErrNoBrowser) work.
func (e *NoBrowserError) Is(target error) bool { return target == ErrNoBrowser }

// System opens URLs on this machine. Its fields are seams for tests; the
// zero value uses the real environment and starts real programs.
type System struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(key string) string
	// Run starts a program (never through a shell) and reports whether it
	// failed to start or failed quickly; nil means StartProgram.
	Run func(name string, args ...string) error
}

// Open opens target with the first program that works.
func (s System) Open(target string) error {
	if err := checkURL(target); err != nil {
		return err
	}
	getenv, run := s.Getenv, s.Run
	if getenv == nil {
		getenv = os.Getenv
	}
	if run == nil {
		run = StartProgram
	}
	var tried []error
	for _, command := range browserCommands(getenv("BROWSER"), target) {
		err := run(command[0], command[1:]...)
		if err == nil {
			return nil
		}
		tried = append(tried, fmt.Errorf("$BROWSER entry %s: %w", command[0], err))
	}
	if reason := noBrowserReason(getenv); reason != "" {
		return errors.Join(append(tried, &NoBrowserError{Reason: reason})...)
	}
	name, args := platformCommand(target)
	if err := run(name, args...); err != nil {
		tried = append(tried, fmt.Errorf("open the browser with %s: %w", name, err))
		return errors.Join(tried...)
	}
	return nil
}

// checkURL lets only web addresses through: a file: or custom-scheme URL
// handed to an opener could run a program.
func checkURL(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("refusing to open %q in a browser: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("refusing to open %q in a browser: only http and https addresses are opened", target)
	}
	return nil
}

// browserCommands reads $BROWSER: a list of commands separated like PATH.
// An entry's words are split on spaces (no shell, so no quoting); %s in
// them becomes the URL (and %% a percent sign), else the URL is appended.
func browserCommands(value, target string) [][]string {
	var commands [][]string
	for _, entry := range strings.Split(value, string(os.PathListSeparator)) {
		words := strings.Fields(entry)
		if len(words) == 0 {
			continue
		}
		substituted := false
		for i, w := range words[1:] {
			if strings.Contains(w, "%s") {
				substituted = true
			}
			words[i+1] = strings.NewReplacer("%s", target, "%%", "%").Replace(w)
		}
		if !substituted {
			words = append(words, target)
		}
		commands = append(commands, words)
	}
	return commands
}

// noBrowserReason says why no graphical browser can be reached, or "".
// $BROWSER, when set, is the admin's own answer and has been tried first.
func noBrowserReason(getenv func(string) string) string {
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" {
		return "this is an SSH session, so a browser would open on the remote machine"
	}
	if needsDisplay && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return "there is no graphical display: DISPLAY and WAYLAND_DISPLAY are unset"
	}
	return ""
}

// quickFailure is how long a started program has to fail before it counts
// as running: long enough for an opener that cannot find a browser to
// exit, short enough not to hold up the wizard.
const quickFailure = 2 * time.Second

// StartProgram starts name with args, detached from the terminal's input
// and output and without authwiz's own environment variables. It fails if
// the program cannot start or exits with an error within a moment; a
// browser that keeps running counts as success.
func StartProgram(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = withoutOwnVariables(os.Environ())
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-time.After(quickFailure):
		return nil
	}
}

// ownVariablePrefix starts the names of authwiz's environment variables,
// AUTHWIZ_CLIENT_SECRET among them. A browser has no use for any of them,
// and the browser (or an extension, or a helper it starts) must never see
// the secret; dropping the whole prefix also covers a variable added later.
const ownVariablePrefix = "AUTHWIZ_"

// withoutOwnVariables returns environ minus authwiz's variables. Names are
// compared ignoring case because Windows treats them so.
func withoutOwnVariables(environ []string) []string {
	kept := make([]string, 0, len(environ))
	for _, kv := range environ {
		if len(kv) >= len(ownVariablePrefix) && strings.EqualFold(kv[:len(ownVariablePrefix)], ownVariablePrefix) {
			continue
		}
		kept = append(kept, kv)
	}
	return kept
}
