//go:build !windows

package loopback

import (
	"errors"
	"syscall"
)

// IsAddrInUse reports whether a listen failed because the port is taken.
func IsAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
