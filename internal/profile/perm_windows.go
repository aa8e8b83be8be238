//go:build windows

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// unsafePath is the ssh rule read from the ACL (see judgeACL): path must
// belong to the user running authwiz (or SYSTEM or the Administrators), and
// no one else may change it. A path gone since it was listed, a temp file
// another authwiz renamed, is not judged.
func unsafePath(path string, info fs.FileInfo) error {
	v, err := readACL(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	user := userSID()
	verdict := judgeACL(v, user)
	if verdict.BadOwner {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("is owned by %s, not by you, %s", sidName(v.Owner), sidName(user)),
			Fix:     fmt.Sprintf(`icacls "%s" /setowner "*%s" (from a command prompt run as administrator)`, path, user)}
	}
	if len(verdict.Writers) > 0 {
		return &UnsafeError{Path: path,
			Problem: fmt.Sprintf("can be changed by %s, as its access control list allows", sidNames(verdict.Writers)),
			Fix:     icaclsFix(path, user, verdict.Writers, info.IsDir())}
	}
	return nil
}

// readableByOthers says, with the fix, when someone other than the user,
// SYSTEM and the Administrators may read path; secrets: it is a file that
// may hold secrets (a copy of secrets.toml, a refresh in progress).
func readableByOthers(path string, info fs.FileInfo, secrets bool) string {
	readers, err := readers(path)
	if err != nil || len(readers) == 0 {
		return "" // unreadable ACLs are refused by unsafePath first
	}
	fix := icaclsFix(path, userSID(), readers, info.IsDir())
	if info.IsDir() {
		return fmt.Sprintf("%s can be read by %s; fix it with: %s", path, sidNames(readers), fix)
	}
	msg := fmt.Sprintf("%s can be read by %s; authwiz makes it private at its next change, or fix it now with: %s",
		path, sidNames(readers), fix)
	if secrets {
		msg += ". It holds secrets someone else may have read: also reset the client secret in the Atlassian Developer Console"
	}
	return msg
}

// looseFile reports, with the command that fixes it, when someone other
// than the user, SYSTEM and the Administrators may read path. A missing
// file is not loose.
func looseFile(path string) (string, error) {
	readers, err := readers(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(readers) == 0 {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s can be read by %s; fix it with: %s",
		path, sidNames(readers), icaclsFix(path, userSID(), readers, false)), nil
}

// readers lists who other than the user, SYSTEM and the Administrators
// may read path.
func readers(path string) ([]string, error) {
	v, err := readACL(path)
	if err != nil {
		return nil, err
	}
	return judgeACL(v, userSID()).Readers, nil
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
