//go:build windows

package oauthflow

import (
	"errors"
	"syscall"
)

// wsaeaddrinuse is WSAEADDRINUSE, which package syscall does not name.
const wsaeaddrinuse = syscall.Errno(10048)

func isAddrInUse(err error) bool { return errors.Is(err, wsaeaddrinuse) }
