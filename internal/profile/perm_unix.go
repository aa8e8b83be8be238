//go:build !windows

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"sync"
	"syscall"
)

// unsafePath is the ssh rule: path must belong to the user running authwiz
// and be writable by nobody else. A group write bit is allowed only for the
// user's private group (a group of the user's name that is their primary
// group, the Debian and Ubuntu default with umask 002), where it gives no
// one else anything.
func unsafePath(path string, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if euid := os.Geteuid(); int(st.Uid) != euid {
		fix := fmt.Sprintf("sudo chown %s %q", userOnly(euid), path)
		if euid == 0 {
			// Root running on a user's files (sudo authwiz): taking them
			// over is not the fix, running as their owner is.
			fix = fmt.Sprintf("sudo -u %s authwiz … (run authwiz as the owner of the files)", userOnly(int(st.Uid)))
		}
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("is owned by %s, not by you, %s", userName(int(st.Uid)), userName(euid)),
			Fix:     fix}
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil // its own mode means nothing; a lock file refuses it
	}
	perm := info.Mode().Perm()
	if perm&0o002 != 0 || perm&0o020 != 0 && !userPrivateGroup(st.Gid) {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("can be changed by other users (mode %04o)", perm),
			Fix:     fmt.Sprintf("chmod go-w %q", path)}
	}
	return nil
}

// readableByOthers says, with the fix, when users other than the owner
// may read path; secrets: it is a file that may hold secrets (a copy of
// secrets.toml, a refresh in progress).
func readableByOthers(path string, info fs.FileInfo, secrets bool) string {
	if info.Mode()&fs.ModeSymlink != 0 || info.Mode().Perm()&0o077 == 0 {
		return ""
	}
	if info.IsDir() {
		return fmt.Sprintf("%s can be read by other users (mode %04o); fix it with: chmod 700 %q", path, info.Mode().Perm(), path)
	}
	msg := fmt.Sprintf("%s can be read by other users (mode %04o); authwiz makes it private (0600) at its next change, or fix it now with: chmod 600 %q",
		path, info.Mode().Perm(), path)
	if secrets {
		msg += ". It holds secrets someone else may have read: also reset the client secret in the Atlassian Developer Console"
	}
	return msg
}

// userPrivateGroup reports whether gid is the running user's private
// group; a variable so tests can stand for either kind of system.
var userPrivateGroup = func(gid uint32) bool {
	u := currentUser()
	if u == nil || u.Gid != strconv.FormatUint(uint64(gid), 10) {
		return false
	}
	g, err := user.LookupGroupId(u.Gid)
	return err == nil && g.Name == u.Username
}

var currentUser = sync.OnceValue(func() *user.User {
	u, err := user.Current()
	if err != nil {
		return nil
	}
	return u
})

// userName names a user for a message: "alice (1000)", or the number
// alone when it has no name here.
func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("%s (%d)", u.Username, uid)
	}
	return fmt.Sprintf("user %d", uid)
}

// userOnly is the name chown takes for uid.
func userOnly(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}

// renameReplace renames over an existing file; POSIX makes that atomic.
func renameReplace(from, to string) error { return os.Rename(from, to) }

// syncDir makes a rename durable: the new directory entry is on disk once the
// directory itself is synced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
