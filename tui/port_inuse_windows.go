package tui

import (
	"errors"
	"syscall"
)

// wsaeaddrinuse is Winsock's "address already in use", which Go does not
// map to syscall.EADDRINUSE.
const wsaeaddrinuse = syscall.Errno(10048)

func isAddrInUse(err error) bool { return errors.Is(err, wsaeaddrinuse) }
