//go:build !windows

package seal

import (
	"fmt"
	"io/fs"
)

// looseKey refuses, with the fix, a host key other users may read.
func looseKey(path string, info fs.FileInfo) error {
	if info.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return fmt.Errorf("the host key %s can be read by other users (mode %04o); fix it with: chmod 600 %q", path, info.Mode().Perm(), path)
}
