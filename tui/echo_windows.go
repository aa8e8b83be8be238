package tui

import "golang.org/x/sys/windows"

// hideTyping turns off the console's echo of what is typed, keeping its
// line editing, until show is called.
func hideTyping(fd uintptr) (show func() error, err error) {
	var was uint32
	if err := windows.GetConsoleMode(windows.Handle(fd), &was); err != nil {
		return nil, err
	}
	hidden := was&^windows.ENABLE_ECHO_INPUT | windows.ENABLE_PROCESSED_INPUT | windows.ENABLE_LINE_INPUT
	if err := windows.SetConsoleMode(windows.Handle(fd), hidden); err != nil {
		return nil, err
	}
	return func() error { return windows.SetConsoleMode(windows.Handle(fd), was) }, nil
}
