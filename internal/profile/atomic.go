package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const tempMarker = ".tmp-"

// writeAtomic replaces path with data so that a reader, or a crash at any
// moment, sees either the old file or the new one, never a mix. The old file,
// when there is one, is first kept as path+".bak".
func writeAtomic(path string, data []byte) error {
	if err := backup(path); err != nil {
		return err
	}
	return replaceWith(path, data)
}

// backup copies the current file to path+".bak" (itself atomically), so the
// last good version survives a bad edit or a bad write.
func backup(path string) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keep a backup of %s: %w", path, err)
	}
	return replaceWith(path+backupSuffix, old)
}

// replaceWith writes data to a private temp file in path's directory, syncs
// it and renames it over path.
func replaceWith(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	tmp, err := os.CreateTemp(dir, "."+base+tempMarker+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already uses 0600; chmod anyway so the guarantee does not
	// rest on an implementation detail.
	if err = tmp.Chmod(privateFile); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = renameReplace(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// removeStaleTemps deletes temp files a crashed writer left behind. It runs
// only under the exclusive lock, when no writer can be using one.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), tempMarker) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
