//go:build windows

package profile

import (
	"os"
	"time"
)

// looseFile has nothing to check on Windows: mode bits do not describe who
// may read a file there, and the user's AppData ACL already keeps others out.
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
