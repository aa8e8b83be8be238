//go:build windows

package sighold

import (
	"os"
	"syscall"
)

// On Windows Go reports Ctrl-C as os.Interrupt and closing the console,
// logging off or shutting down as SIGTERM.
var held = []os.Signal{os.Interrupt, syscall.SIGTERM}

// statusControlCExit is the exit status Windows gives a program ended by
// Ctrl-C.
const statusControlCExit = 0xC000013A

// redeliver ends the process as the held event would have: Windows has no
// way for a process to send itself a console event alone.
func redeliver(os.Signal) { os.Exit(statusControlCExit) }
