//go:build windows

package profile

import (
	"io/fs"
	"os"
	"time"
)

// unsafePath has nothing to check on Windows: who may change a file is
// said by its ACL, which Go's standard library does not read, and the
// user's AppData ACL already keeps other users out.
func unsafePath(string, fs.FileInfo) error { return nil }

// readableByOthers: see unsafePath.
func readableByOthers(string, fs.FileInfo, bool) string { return "" }

// looseFile: see unsafePath.
func looseFile(string) (string, error) { return "", nil }

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
