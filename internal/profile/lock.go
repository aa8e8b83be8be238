package profile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gofrs/flock"

	"github.com/authwiz/authwiz/internal/fileacl"
)

// pollLock is how often a waiting process retries the lock; short enough
// that eight processes refreshing one token finish quickly one after another.
const pollLock = 10 * time.Millisecond

// DefaultLockTimeout bounds every wait on a lock. The longest a lock is
// held is a refresh: one token request (bounded by its own timeout) and a
// save.
const DefaultLockTimeout = time.Minute

// ErrBusy: another authwiz process held a lock for longer than authwiz
// waits. The error is a *BusyError naming that process.
var ErrBusy = errors.New("another authwiz process is busy with it")

// BusyError says which lock stayed taken, for how long authwiz waited, and
// which process held it when that is known.
type BusyError struct {
	What   string // what the lock guards, e.g. `the token of profile "prod"`
	Waited time.Duration
	Holder Holder // zero when the holder did not say
}

func (e *BusyError) Error() string {
	who := "another authwiz process"
	if e.Holder.PID != 0 {
		who = "authwiz process " + e.Holder.String()
	}
	waited := RoughDuration(e.Waited)
	if e.Waited < time.Second {
		waited = e.Waited.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%s has been using %s for over %s; wait for it to finish and try again, or end that process if it is stuck",
		who, e.What, waited)
}

// Is makes errors.Is(err, ErrBusy) work.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// ErrLockFile: a lock file is not an ordinary file. The error is a
// *LockFileError.
var ErrLockFile = errors.New("the lock file is not an ordinary file")

// LockFileError is a lock file that is a symbolic link, a named pipe, a
// directory or anything else but an ordinary file. authwiz stops there
// rather than follow the link (creating a file wherever it points) or wait
// on the pipe for ever.
type LockFileError struct {
	Path string
	Mode fs.FileMode
}

func (e *LockFileError) Error() string {
	what, rm := "not an ordinary file", "rm"
	switch {
	case e.Mode&fs.ModeSymlink != 0:
		what = "a symbolic link"
	case e.Mode&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case e.Mode&fs.ModeSocket != 0:
		what = "a socket"
	case e.Mode&fs.ModeDevice != 0:
		what = "a device"
	case e.Mode.IsDir():
		what, rm = "a directory", "rmdir"
	}
	return fmt.Sprintf("%s is %s, not the ordinary file authwiz locks; nothing was read or written. Remove it with: %s %q (authwiz makes a new one)", e.Path, what, rm, e.Path)
}

// Is makes errors.Is(err, ErrLockFile) work.
func (e *LockFileError) Is(target error) bool { return target == ErrLockFile }

// fileLock is a lock every authwiz process shares, with a note beside it
// naming the process that holds it exclusively. The note is a file of its
// own because Windows keeps others from reading a locked file.
type fileLock struct {
	path    string
	what    string
	timeout time.Duration
}

func (l fileLock) holderPath() string { return l.path + ".holder" }

// acquire takes the lock, exclusive or shared, waiting at most l.timeout
// and no longer than ctx allows. A shared lock in a directory authwiz may
// not write, or that does not exist, is skipped: no authwiz process can
// change files there, so there is nothing to wait for, and reading must
// not need write access.
func (l fileLock) acquire(ctx context.Context, exclusive bool) (unlock func(), err error) {
	fl := flock.New(l.path, flock.SetPermissions(privateFile), flock.SetFlag(os.O_CREATE|os.O_RDONLY|noFollow))
	waitCtx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	try := fl.TryRLockContext
	if exclusive {
		try = fl.TryLockContext
	}
	start := time.Now()
	locked, err := try(waitCtx, pollLock)
	switch {
	case locked:
		// Checked on what was opened, not on the name: nothing can swap
		// the file between the check and the lock.
		info, err := fl.Stat()
		if err == nil && !info.Mode().IsRegular() {
			err = &LockFileError{Path: l.path, Mode: info.Mode()}
		}
		if err != nil {
			fl.Unlock()
			return nil, err
		}
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err == nil || errors.Is(err, context.DeadlineExceeded):
		return nil, &BusyError{What: l.what, Waited: time.Since(start), Holder: readHolder(l.holderPath())}
	case !exclusive && (cannotWrite(err) || errors.Is(err, fs.ErrNotExist)):
		return func() {}, nil
	default:
		if info, lerr := os.Lstat(l.path); lerr == nil && !info.Mode().IsRegular() {
			return nil, &LockFileError{Path: l.path, Mode: info.Mode()}
		}
		return nil, fmt.Errorf("lock %s: %w", l.path, err)
	}
	if !exclusive {
		return func() { fl.Unlock() }, nil
	}
	writeHolder(l.holderPath())
	return func() {
		os.Remove(l.holderPath())
		fl.Unlock()
	}, nil
}

// cannotWrite reports whether err means the file system or its
// permissions refuse a write.
func cannotWrite(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// dirLock guards profiles.toml, secrets.toml and the draft. It is only ever
// held for short file reads and writes, never across a network call.
func (s *Store) dirLock() fileLock {
	return fileLock{path: s.path(lockFileName), what: "the profiles in " + s.dir, timeout: s.lockTimeout}
}

// lockFiles takes the directory lock: exclusive for read-modify-write,
// shared for reads. A crashed holder releases it with its process, so it
// can never be left stale.
func (s *Store) lockFiles(exclusive bool) (unlock func(), err error) {
	return s.dirLock().acquire(context.Background(), exclusive)
}

// exclusive runs fn holding this process's mutex and the exclusive file
// lock: the way every change to the files is made. The directory is
// created here, on the first write, so that reading never needs to.
func (s *Store) exclusive(fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := fileacl.MkdirPrivate(s.dir); err != nil {
		return fmt.Errorf("create the configuration directory %s: %w", s.dir, err)
	}
	unlock, err := s.lockFiles(true)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.tighten(); err != nil {
		return err
	}
	return fn()
}

// WithLock runs fn holding the exclusive lock at path, which every authwiz
// process respects as it does the store's: for a file in the
// configuration directory that is not the store's own but is read,
// changed and written back all the same. what names what the lock guards
// in the error of a wait that ran out; timeout bounds that wait (zero is
// DefaultLockTimeout). The lock is path's alone, not the store's: code
// holding the store's lock may take it without waiting on itself. fn must
// not take the store's lock, or two processes could each hold one lock
// and wait for the other's.
func WithLock(path, what string, timeout time.Duration, fn func() error) error {
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	if err := fileacl.MkdirPrivate(filepath.Dir(path)); err != nil {
		return fmt.Errorf("create the configuration directory %s: %w", filepath.Dir(path), err)
	}
	unlock, err := fileLock{path: path, what: what, timeout: timeout}.acquire(context.Background(), true)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}
