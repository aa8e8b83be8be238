//go:build windows

package browser

const needsDisplay = false

// platformCommand uses url.dll's handler rather than `cmd /c start`, so
// the & in a query string is never seen by a command interpreter.
func platformCommand(target string) (string, []string) {
	return "rundll32", []string{"url.dll,FileProtocolHandler", target}
}
