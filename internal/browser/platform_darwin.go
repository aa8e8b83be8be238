//go:build darwin

package browser

const needsDisplay = false

func platformCommand(target string) (string, []string) {
	return "open", []string{target}
}
