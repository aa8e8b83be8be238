//go:build linux || freebsd || netbsd || openbsd || solaris || dragonfly

package clipboard

import "fmt"

// displayReachable reports whether the X11 or Wayland clipboard helpers have
// a display to talk to. Without one they start, fail after a while and say
// something cryptic; checking first gives the person a clear reason.
// WSL (clip.exe) and Termux have clipboards without a display.
func displayReachable(getenv func(string) string) error {
	switch {
	case getenv("DISPLAY") != "", getenv("WAYLAND_DISPLAY") != "":
		return nil
	case getenv("WSL_DISTRO_NAME") != "", getenv("TERMUX_VERSION") != "":
		return nil
	}
	return fmt.Errorf("%w: no graphical display here (neither DISPLAY nor WAYLAND_DISPLAY is set)", ErrUnavailable)
}
