package profile

import (
	"fmt"
	"os"
)

const reserveSuffix = ".reserve"

// Room to spare in reserved space: a new token may be longer than the one
// it replaces (Atlassian's are a few kilobytes), and settings change by a
// few timestamps.
const (
	reserveSlack      = 4096
	tokenGrowthFactor = 2
)

// reserve creates a private file at path holding size bytes, synced to
// disk, so that writing up to size bytes into it later needs no new space.
// Zeros are written rather than the size merely set: a sparse file would
// promise space the disk may not have.
func reserve(path string, size int) (*os.File, error) {
	// Not following a link, and not waiting on a pipe: the file takes
	// the place of profiles.toml or secrets.toml later.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC|noFollow, privateFile)
	if err != nil {
		if info, lerr := os.Lstat(path); lerr == nil && !info.Mode().IsRegular() {
			return nil, notOrdinary(path)
		}
		return nil, err
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, notOrdinary(path)
	}
	if err := fill(f, size); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("reserve space in %s: %w", path, err)
	}
	return f, nil
}

func notOrdinary(path string) error {
	return fmt.Errorf("reserve space in %s: it is not an ordinary file; remove it with: rm %q", path, path)
}

func fill(f *os.File, size int) error {
	if err := f.Chmod(privateFile); err != nil {
		return err
	}
	zeros := make([]byte, 32<<10)
	for left := size; left > 0; left -= len(zeros) {
		if _, err := f.Write(zeros[:min(left, len(zeros))]); err != nil {
			return err
		}
	}
	return f.Sync()
}

// fileSize is the size of path, 0 when it does not exist yet.
func fileSize(path string) int {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return int(info.Size())
}
