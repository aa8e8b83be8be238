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
// was asked to, only later. Keep the section bounded: a person pressing
// Ctrl-C waits for it.
func Hold() (release func()) {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, held...)
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			for {
				select {
				case sig := <-ch:
					redeliver(sig)
				default:
					return
				}
			}
		})
	}
}
