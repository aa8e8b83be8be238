//go:build !windows

package seal

import "io/fs"

// loose reports whether other users may read the file.
func loose(info fs.FileInfo) bool { return info.Mode().Perm()&0o077 != 0 }
