//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keyring

import "runtime"

// systemName is how messages call the store.
var systemName = nameOf(runtime.GOOS)

func nameOf(goos string) string {
	switch goos {
	case "darwin":
		return "the macOS Keychain"
	case "windows":
		return "the Windows Credential Manager"
	}
	return "the OS keyring"
}

// systemUsable: the Keychain and the Credential Manager are part of the
// system and start nothing that would outlive authwiz, so there is nothing
// to find out before the first call; a failing call says what is wrong.
func systemUsable() error { return nil }

// isLocked: these stores answer a locked state with their own message,
// which systemError passes on.
func isLocked(error) bool { return false }
