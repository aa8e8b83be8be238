//go:build windows

package loopback

import (
	"errors"
	"syscall"
)

// wsaeaddrinuse is WSAEADDRINUSE, which package syscall neither names nor
// maps to syscall.EADDRINUSE.
const wsaeaddrinuse = syscall.Errno(10048)

// IsAddrInUse reports whether a listen failed because the port is taken.
func IsAddrInUse(err error) bool { return errors.Is(err, wsaeaddrinuse) }
