package clipboard

import "sync"

// Fake is a clipboard for tests: it records what it was asked to copy and
// fails with Err when Err is set.
type Fake struct {
	Err error

	mu      sync.Mutex
	written []string
}

// WriteAll records text, or returns f.Err without recording.
func (f *Fake) WriteAll(text string) error {
	if f.Err != nil {
		return f.Err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.written = append(f.written, text)
	return nil
}

// Written returns every text copied so far, oldest first.
func (f *Fake) Written() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.written...)
}
