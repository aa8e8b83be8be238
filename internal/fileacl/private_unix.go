//go:build !windows

package fileacl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// MakePrivate makes path readable and writable by its owner only, for the
// files callers find others may read and take back (see profile's tighten).
func MakePrivate(path string) error { return os.Chmod(path, FileMode) }

// MakeFilePrivate is MakePrivate for a file being written, before anything
// goes into it: the atomic writes of profile and seal.
func MakeFilePrivate(f *os.File) error { return f.Chmod(FileMode) }

// MkdirPrivate makes dir, and its missing parents, readable by the user
// only: the configuration directory and its refresh directory.
func MkdirPrivate(dir string) error { return os.MkdirAll(dir, DirMode) }

// ReadableByOthers says, with the command that fixes it, when users other
// than the owner may read path: "" when none may or path is missing. For
// files that hold secrets, which callers refuse rather than use (profile's
// secrets file, seal's host key).
func ReadableByOthers(path string) (string, error) {
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
	return fmt.Sprintf("%s can be read by other users (mode %04o); fix it with: chmod 600 %q", path, info.Mode().Perm(), path), nil
}
