package browser

import "sync"

// Stub is an Opener for tests: it records every URL and answers with Err.
type Stub struct {
	Err error

	mu     sync.Mutex
	opened []string
}

// Open records target.
func (s *Stub) Open(target string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opened = append(s.opened, target)
	return s.Err
}

// Opened lists the URLs asked for, in order.
func (s *Stub) Opened() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.opened...)
}
