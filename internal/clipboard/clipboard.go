// Package clipboard puts text on the system clipboard when the machine has
// one, and says plainly when it does not (a server reached over SSH, a
// container, a Linux box without a display or clipboard helper).
package clipboard

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/atotto/clipboard"
)

// Writer puts text on a clipboard.
type Writer interface {
	WriteAll(text string) error
}

// ErrUnavailable means there is no system clipboard to write to here; the
// wrapping error says why and what would provide one.
var ErrUnavailable = errors.New("no system clipboard available")

// writeTimeout bounds a clipboard helper that never answers (a wedged
// xclip, a Wayland compositor that went away): the caller must hear back.
const writeTimeout = 3 * time.Second

// System writes to the operating system's clipboard through
// github.com/atotto/clipboard, after checking one can be reached.
type System struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// write does the actual copy; nil means atotto's WriteAll.
	write func(string) error
	// unsupported mirrors atotto's finding that no helper program exists.
	unsupported bool
	timeout     time.Duration
}

// NewSystem returns the real system clipboard.
func NewSystem() System {
	return System{write: clipboard.WriteAll, unsupported: clipboard.Unsupported, timeout: writeTimeout}
}

// WriteAll copies text to the system clipboard. It fails with an error
// wrapping ErrUnavailable when no clipboard can be reached.
func (s System) WriteAll(text string) error {
	if err := s.available(); err != nil {
		return err
	}
	write := s.write
	if write == nil {
		write = clipboard.WriteAll
	}
	timeout := s.timeout
	if timeout <= 0 {
		timeout = writeTimeout
	}
	done := make(chan error, 1)
	go func() { done <- write(text) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("copy to the system clipboard: %w", err)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("copy to the system clipboard: the clipboard helper did not answer within %s", timeout)
	}
}

// available reports why the system clipboard cannot be used, or nil.
func (s System) available() error {
	if s.unsupported {
		return fmt.Errorf("%w: install xclip, xsel or wl-clipboard to use it", ErrUnavailable)
	}
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return displayReachable(getenv)
}
