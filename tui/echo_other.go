//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package tui

import "errors"

// hideTyping cannot turn off echo here, so no secret is typed.
func hideTyping(uintptr) (func() error, error) {
	return nil, errors.New("this system's terminal echo cannot be turned off")
}
