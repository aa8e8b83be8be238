package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/authwiz/authwiz/internal/fileacl"
)

const (
	privateDir  = fileacl.DirMode
	privateFile = fileacl.FileMode
)

// ErrUnsafe: the configuration directory, or a file in it, could be changed
// by someone other than the user. The error is an *UnsafeError.
var ErrUnsafe = errors.New("the configuration directory is not private")

// UnsafeError is a configuration directory or file that another user owns
// or may write. authwiz refuses it, as ssh refuses such a ~/.ssh: whoever
// can replace profiles.toml can point the token requests at a server of
// their own, and whoever can replace secrets.toml can swap in their grant.
type UnsafeError struct {
	Path string
	// Problem completes "it …": "is owned by nobody (65534), not by you,
	// alice (1000)".
	Problem string
	// Fix is the command that makes it private again.
	Fix string
}

func (e *UnsafeError) Error() string {
	return fmt.Sprintf("refusing to use %s: it %s, so someone else could change your profiles, for example to send your tokens to their own server. Check that nothing in it was changed, then fix it with: %s",
		e.Path, e.Problem, e.Fix)
}

// Is makes errors.Is(err, ErrUnsafe) work.
func (e *UnsafeError) Is(target error) bool { return target == ErrUnsafe }

// ownFile reports whether name, in the configuration directory, is one of
// authwiz's files (with its backups, kept damaged copies and lock notes):
// the store's own, or one of others that other names (see WithOwnFiles).
// Other files there are the user's business.
func ownFile(name string, others []string) bool {
	for _, prefix := range append([]string{settingsFileName, secretsFileName, draftFileName, lockFileName}, others...) {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return name == refreshDirName
}

// checkPrivate checks dir and authwiz's files in it (and in its refresh
// directory), others among them. It fails with an *UnsafeError on the first that another user
// owns or may write, and returns a warning with the fix for each that
// others may only read, with the files among them, which the next change
// makes private (see Store.tighten).
func checkPrivate(dir string, others []string) (warnings, readable []string, err error) {
	paths := []string{dir}
	for _, d := range []string{dir, filepath.Join(dir, refreshDirName)} {
		entries, err := os.ReadDir(d)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("check permissions in %s: %w", d, err)
		}
		for _, e := range entries {
			if d != dir || ownFile(e.Name(), others) {
				paths = append(paths, filepath.Join(d, e.Name()))
			}
		}
	}
	for _, path := range paths {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a temp file another authwiz just renamed
		}
		if err != nil {
			return nil, nil, fmt.Errorf("check permissions of %s: %w", path, err)
		}
		if err := unsafePath(path, info); err != nil {
			return nil, nil, err
		}
		if path == filepath.Join(dir, secretsFileName) {
			continue // readable, it is refused when read (see loadSecrets)
		}
		if !info.Mode().IsRegular() && !info.IsDir() {
			continue // a lock that is a pipe or link is refused when locked, with its fix
		}
		secrets := strings.HasPrefix(filepath.Base(path), secretsFileName) || filepath.Dir(path) != filepath.Clean(dir)
		if msg := readableByOthers(path, info, secrets); msg != "" {
			warnings = append(warnings, msg)
			if info.Mode().IsRegular() {
				readable = append(readable, path)
			}
		}
	}
	return warnings, readable, nil
}

// tighten makes private the files Open found others could read; it runs
// with the exclusive lock held, as the first step of every change.
func (s *Store) tighten() error {
	for _, path := range s.readable {
		if err := fileacl.MakePrivate(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("make %s private: %w", path, err)
		}
	}
	s.readable = nil
	return nil
}
