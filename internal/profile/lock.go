package profile

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// pollLock is how often a waiting process retries the lock; short enough
// that eight processes refreshing one token finish quickly one after another.
const pollLock = 10 * time.Millisecond

// lockFiles takes the lock every authwiz process shares for this directory:
// exclusive for read-modify-write, shared for reads. A crashed holder
// releases it with its process, so it can never be left stale.
func (s *Store) lockFiles(exclusive bool) (unlock func(), err error) {
	path := filepath.Join(s.dir, lockFileName)
	fl := flock.New(path, flock.SetPermissions(privateFile))
	ctx, cancel := context.WithTimeout(context.Background(), s.lockTimeout)
	defer cancel()
	var locked bool
	if exclusive {
		locked, err = fl.TryLockContext(ctx, pollLock)
	} else {
		locked, err = fl.TryRLockContext(ctx, pollLock)
	}
	if errors.Is(err, context.DeadlineExceeded) || (err == nil && !locked) {
		return nil, fmt.Errorf("another authwiz process has been using the profiles in %s for over %s; wait for it to finish and try again", s.dir, s.lockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { fl.Unlock() }, nil
}

// exclusive runs fn holding this process's mutex and the exclusive file
// lock: the way every change to the files is made.
func (s *Store) exclusive(fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := s.lockFiles(true)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}
