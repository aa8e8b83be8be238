//go:build !windows

package sighold

import (
	"os"
	"syscall"
)

var held = []os.Signal{os.Interrupt, syscall.SIGTERM}

// redeliver sends sig to this process again, now that it is no longer
// held: whatever else listens for it gets it, and with no listener the
// default action ends the process.
func redeliver(sig os.Signal) {
	if s, ok := sig.(syscall.Signal); ok {
		_ = syscall.Kill(os.Getpid(), s)
	}
}
