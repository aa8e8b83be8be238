//go:build windows

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/authwiz/authwiz/internal/fileacl"
)

// unsafePath is the ssh rule read from the ACL (see fileacl.Access): path
// must belong to the user running authwiz (or SYSTEM or the
// Administrators), and no one else may change it. A path gone since it was
// listed, a temp file another authwiz renamed, is not judged.
func unsafePath(path string, info fs.FileInfo) error {
	access, err := fileacl.ReadAccess(path, info.IsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if access.BadOwner {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("is owned by %s, not by you, %s", access.Owner(), access.You()),
			Fix:     access.OwnerFix()}
	}
	if len(access.Writers) > 0 {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("can be changed by %s, as its access control list allows", fileacl.Names(access.Writers)),
			Fix:     access.Fix(access.Writers)}
	}
	return nil
}

// readableByOthers says, with the fix, when someone other than the user,
// SYSTEM and the Administrators may read path; secrets: it is a file that
// may hold secrets (a copy of secrets.toml, a refresh in progress).
func readableByOthers(path string, info fs.FileInfo, secrets bool) string {
	access, err := fileacl.ReadAccess(path, info.IsDir())
	if err != nil || len(access.Readers) == 0 {
		return "" // unreadable ACLs are refused by unsafePath first
	}
	readers, fix := fileacl.Names(access.Readers), access.Fix(access.Readers)
	if info.IsDir() {
		return fmt.Sprintf("%s can be read by %s; fix it with: %s", path, readers, fix)
	}
	msg := fmt.Sprintf("%s can be read by %s; authwiz makes it private at its next change, or fix it now with: %s",
		path, readers, fix)
	if secrets {
		msg += ". It holds secrets someone else may have read: also reset the client secret in the Atlassian Developer Console"
	}
	return msg
}

// renameReplace retries because Windows refuses to replace a file that
// another process (a virus scanner, a backup agent, an editor) has open
// without sharing; such holds are brief.
func renameReplace(from, to string) error {
	var err error
	for delay := 5 * time.Millisecond; delay < 2*time.Second; delay *= 2 {
		if err = os.Rename(from, to); err == nil {
			return nil
		}
		time.Sleep(delay)
	}
	return err
}

// syncDir has no Windows counterpart: a directory cannot be opened for
// flushing there, and NTFS journals metadata changes such as the rename.
func syncDir(string) error { return nil }
