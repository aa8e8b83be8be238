// Package sighold holds SIGINT and SIGTERM for the length of a critical
// section: a step that, once begun, must finish for nothing to be lost —
// such as saving a rotated refresh token the server has already sent.
package sighold

import (
	"os"
	"os/signal"
	"sync"
)

// Hold starts holding Ctrl-C (SIGINT) and SIGTERM: while held they are
// noted, not acted on. release ends the hold and hands every held signal
// back to the program as if it arrived then, so the program stops as it
// was asked to, only later. Redelivery takes effect a moment later, so
// release also returns the first signal held (nil when none was): the
// caller must not go on as if nothing was asked. Keep the section
// bounded: a person pressing Ctrl-C waits for it.
func Hold() (release func() os.Signal) {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, held...)
	var (
		once  sync.Once
		first os.Signal
	)
	return func() os.Signal {
		once.Do(func() {
			signal.Stop(ch)
			for {
				select {
				case sig := <-ch:
					if first == nil {
						first = sig
					}
					redeliver(sig)
				default:
					return
				}
			}
		})
		return first
	}
}
