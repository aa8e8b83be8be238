package consent

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/charmbracelet/x/term"
)

// maxLine bounds one line of input. A pasted address is far shorter; a
// longer line (a whole page pasted without line breaks) is dropped with a
// word, and reading goes on, where bufio.Scanner would stop for good.
const maxLine = 64 << 10

// line is one line of input; a line over maxLine arrives as tooLong,
// without its text.
type line struct {
	text    string
	tooLong bool
}

// readLines delivers the lines of in until it ends or ctx is done. A nil
// reader delivers nothing.
func readLines(ctx context.Context, in io.Reader) <-chan line {
	lines := make(chan line)
	if in == nil {
		close(lines)
		return lines
	}
	go func() {
		defer close(lines)
		r := bufio.NewReader(in)
		for {
			l, err := readLine(r)
			if err != nil && l.text == "" && !l.tooLong {
				return
			}
			select {
			case lines <- l:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return lines
}

// readLine reads through the next line break (or the end), keeping at
// most maxLine bytes of it.
func readLine(r *bufio.Reader) (line, error) {
	var text []byte
	var l line
	for {
		chunk, err := r.ReadSlice('\n')
		if !l.tooLong {
			text = append(text, chunk...)
			if len(bytes.TrimRight(text, "\r\n")) > maxLine {
				l.tooLong, text = true, nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		l.text = strings.TrimRight(string(text), "\r\n")
		return l, err
	}
}

// askable reports whether a question can be put to whoever types into in.
// A file that is not a terminal (a script's pipe, ssh without a tty) may
// have nobody behind it, and an open but silent pipe would keep the
// question waiting for ever.
func askable(in io.Reader) bool {
	f, ok := in.(interface{ Fd() uintptr })
	return !ok || term.IsTerminal(f.Fd())
}
