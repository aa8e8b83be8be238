package profile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/authwiz/authwiz/internal/fileacl"
)

const tempMarker = ".tmp-"

// fsync and fsyncDir are the two flushes that make a replacement durable:
// the new content before the rename, the directory entry after it. They
// are variables so that a test can see both happen, in that order;
// without either, a power cut can leave an empty or an old file behind.
var (
	fsync    = (*os.File).Sync
	fsyncDir = syncDir
)

// writeAtomic replaces path with data so that a reader, or a crash at any
// moment, sees either the old file or the new one, never a mix. The old
// file, when there is one, is first kept among the backups (see
// keepBackup). reserved, when not nil, is a private file on the same file
// system, already as large as data is likely to be, written into instead
// of a new temp file: a refresh reserves its space before spending the
// refresh token, so a disk that fills up meanwhile cannot stop the save.
func writeAtomic(path string, data []byte, reserved *os.File, dropped []renamed) error {
	if err := keepBackup(path, data, dropped); err != nil {
		if reserved != nil {
			reserved.Close()
			os.Remove(reserved.Name())
		}
		return err
	}
	return replaceVia(path, data, reserved)
}

// replaceWith writes data to a private temp file in path's directory, syncs
// it and renames it over path.
func replaceWith(path string, data []byte) error { return replaceVia(path, data, nil) }

// replaceVia is replaceWith writing into tmp when it is not nil; tmp is
// closed, and removed unless it took path's place.
func replaceVia(path string, data []byte, tmp *os.File) (err error) {
	dir, base := filepath.Split(path)
	if tmp == nil {
		if tmp, err = os.CreateTemp(dir, "."+base+tempMarker+"*"); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else if _, err = tmp.Seek(0, io.SeekStart); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
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
	if err = fileacl.MakeFilePrivate(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Truncate(int64(len(data))); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = fsync(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = renameReplace(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return fsyncDir(dir)
}

// removeStaleTemps deletes the temp files of the store's own files that a
// crashed writer left behind. It runs only under the exclusive lock, when
// no writer of them can be using one; files others keep beside the store
// (shared.json, the host key) are written under locks of their own, so
// their temp files may be in use.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker) && ownFile(name[1:], nil) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}
