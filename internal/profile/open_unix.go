//go:build !windows

package profile

import "syscall"

// noFollow are the open flags for authwiz's own lock and note files: a
// symbolic link there is refused instead of followed (it could make authwiz
// create a file outside the directory), and a named pipe opens at once
// instead of waiting for a writer that never comes.
const noFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
