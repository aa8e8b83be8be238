package consent

import (
	"bytes"
	"context"
	"io"

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

// input is the admin's input, read a line at a time. A read from a
// terminal or a pipe cannot be called off, so one goroutine reads and
// hands over what it read; what no caller took yet stays in buf, so a
// caller that stops waiting (its context done) loses nothing.
type input struct {
	src     io.Reader
	started bool
	chunks  chan chunk
	// turn is held by the one caller reading at a time; it guards
	// everything below it.
	turn     chan struct{}
	buf      []byte
	err      error // src's end, once every byte before it is in buf
	skipping bool  // the rest of an over-long line is being dropped
}

type chunk struct {
	data []byte
	err  error
}

func newInput(src io.Reader) *input {
	return &input{src: src, chunks: make(chan chunk), turn: make(chan struct{}, 1)}
}

// fill waits for the next chunk the reading goroutine has, started at the
// first need.
func (in *input) fill(ctx context.Context) error {
	if in.src == nil {
		in.err = io.EOF
		return nil
	}
	if !in.started {
		in.started = true
		go in.read()
	}
	select {
	case c := <-in.chunks:
		in.buf = append(in.buf, c.data...)
		in.err = c.err
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (in *input) read() {
	for {
		data := make([]byte, 4096)
		n, err := in.src.Read(data)
		if n == 0 && err == nil {
			continue
		}
		in.chunks <- chunk{data[:n], err}
		if err != nil {
			return
		}
	}
}

// line returns the next line, without its line break. It returns the
// input's end (io.EOF or the read error) once no line is left, and
// ctx's error when ctx is done first.
func (in *input) line(ctx context.Context) (line, error) {
	select {
	case in.turn <- struct{}{}:
	case <-ctx.Done():
		return line{}, ctx.Err()
	}
	defer func() { <-in.turn }()
	for {
		if i := bytes.IndexByte(in.buf, '\n'); i >= 0 {
			text := in.buf[:i]
			in.buf = in.buf[i+1:]
			if in.skipping || len(bytes.TrimRight(text, "\r")) > maxLine {
				in.skipping = false
				return line{tooLong: true}, nil
			}
			return line{text: string(bytes.TrimRight(text, "\r"))}, nil
		}
		if len(in.buf) > maxLine {
			in.skipping, in.buf = true, in.buf[:0]
		}
		if in.err != nil {
			return in.last()
		}
		if err := in.fill(ctx); err != nil {
			return line{}, err
		}
	}
}

// last is what is left after the input ended: a line without a line
// break, then the end itself.
func (in *input) last() (line, error) {
	if len(in.buf) == 0 && !in.skipping {
		return line{}, in.err
	}
	l := line{text: string(bytes.TrimRight(in.buf, "\r")), tooLong: in.skipping}
	if l.tooLong {
		l.text = ""
	}
	in.buf, in.skipping = nil, false
	return l, nil
}

// askable reports whether a question can be put to whoever types into in.
// A file that is not a terminal (a script's pipe, ssh without a tty) may
// have nobody behind it, and an open but silent pipe would keep the
// question waiting for ever.
func askable(in io.Reader) bool {
	f, ok := in.(interface{ Fd() uintptr })
	return !ok || term.IsTerminal(f.Fd())
}
