//go:build windows

package profile

// noFollow has no Windows counterpart in os.OpenFile: creating a symbolic
// link there takes a privilege or developer mode, and there are no named
// pipes in a directory. The file's type is still checked once it is open.
const noFollow = 0
