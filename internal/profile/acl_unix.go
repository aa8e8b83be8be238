//go:build !windows

package profile

import "os"

// makePrivate makes path readable and writable by its owner only.
func makePrivate(path string) error { return os.Chmod(path, privateFile) }

// makeFilePrivate is makePrivate for a file authwiz has open.
func makeFilePrivate(f *os.File) error { return f.Chmod(privateFile) }

// mkdirPrivate makes dir, and its missing parents, readable by the user only.
func mkdirPrivate(dir string) error { return os.MkdirAll(dir, privateDir) }
