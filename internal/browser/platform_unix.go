//go:build !windows && !darwin

package browser

// needsDisplay: on Linux and the BSDs a graphical browser needs X11 or
// Wayland; without one xdg-open may start a text browser in our terminal.
const needsDisplay = true

func platformCommand(target string) (string, []string) {
	return "xdg-open", []string{target}
}
