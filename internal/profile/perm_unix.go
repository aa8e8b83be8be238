//go:build !windows

package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// looseFile reports, with the command that fixes it, when other users may
// read path. A missing file is not loose.
func looseFile(path string) (string, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if info.Mode().Perm()&0o077 == 0 {
		return "", nil
	}
	fix := "chmod 600"
	if info.IsDir() {
		fix = "chmod 700"
	}
	return fmt.Sprintf("%s can be read by other users (mode %04o); fix it with: %s %q", path, info.Mode().Perm(), fix, path), nil
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
