package consent

import (
	"bytes"
	"context"
	"errors"
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

// Input is the admin's input, shared by a conversation and whatever reads
// after it: pass one *Input as Conversation.In and to the prompts around
// it, and a line meant for a later prompt is never lost. (Given a plain
// reader, a conversation reads ahead of what it uses and drops the rest.)
// A read from a terminal or a pipe cannot be called off, so one goroutine
// reads and hands over what it read; what no caller took yet stays here,
// so a caller that stops waiting (its context done) loses nothing. Once
// an Input has read, every read of its source must go through it.
type Input struct {
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

// NewInput reads src (nil: an input that has ended) from its first use.
func NewInput(src io.Reader) *Input {
	return &Input{src: src, chunks: make(chan chunk), turn: make(chan struct{}, 1)}
}

// inputOf is r as an Input, shared when it is one.
func inputOf(r io.Reader) *Input {
	if in, ok := r.(*Input); ok {
		return in
	}
	return NewInput(r)
}

// ErrLineTooLong: a line longer than any answer (over 64 KiB) was read and
// dropped.
var ErrLineTooLong = errors.New("the line is too long to be an answer")

// ReadLine returns the next line without its line break, or the input's
// end (io.EOF) once none is left, or ctx's error when ctx is done first.
func (in *Input) ReadLine(ctx context.Context) (string, error) {
	l, err := in.line(ctx)
	if err == nil && l.tooLong {
		err = ErrLineTooLong
	}
	return l.text, err
}

// Read hands out what is left of the input as it is, line breaks and
// all, for a reader that wants bytes.
func (in *Input) Read(p []byte) (int, error) {
	in.turn <- struct{}{}
	defer func() { <-in.turn }()
	for len(in.buf) == 0 && in.err == nil {
		_ = in.fill(context.Background()) // cannot fail without a deadline
	}
	if len(in.buf) == 0 {
		return 0, in.err
	}
	n := copy(p, in.buf)
	in.buf = in.buf[n:]
	return n, nil
}

// fill waits for the next chunk the reading goroutine has, started at the
// first need.
func (in *Input) fill(ctx context.Context) error {
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

func (in *Input) read() {
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
func (in *Input) line(ctx context.Context) (line, error) {
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
func (in *Input) last() (line, error) {
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
	if shared, ok := in.(*Input); ok {
		in = shared.src
	}
	f, ok := in.(interface{ Fd() uintptr })
	return !ok || term.IsTerminal(f.Fd())
}
