package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/authwiz/authwiz/internal/validate"
)

// shown is text read from a file or sent by a server, made fit for one
// line of a terminal: a hand-edited profiles.toml may hold escape
// sequences (a clipboard write, colours) or bidi overrides, and a tab or
// line break would break the table it stands in.
func shown(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return ' '
		}
		return r
	}, validate.Sanitize(s))
}

// writeJSON writes v as indented JSON, escaped as escapeInvisible says.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(escapeInvisible(data), '\n'))
	return err
}

// escapeInvisible escapes, as \uXXXX, the characters that JSON and TOML
// encoders write raw but a terminal may act on or hide: C1 controls
// (U+009B is CSI to some terminals), bidi overrides and invisible
// characters. They can stand only inside the documents' strings, where
// \uXXXX means the same, so a script that prints the output shows what the
// file says and nothing more.
func escapeInvisible(data []byte) []byte {
	var b bytes.Buffer
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r >= utf8.RuneSelf && r <= 0xffff && validate.Sanitize(string(r)) == "" {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.Write(data[:size])
		}
		data = data[size:]
	}
	return b.Bytes()
}

// printError writes a failed command's error for people, stripped of
// anything a terminal would act on: errors quote names and answers that
// came from files and servers.
// A mistake in the command line is followed by the command's usage.
func printError(w io.Writer, err error) {
	fmt.Fprintln(w, "authwiz:", validate.Sanitize(err.Error()))
	var wu withUsage
	if errors.As(err, &wu) {
		fmt.Fprint(w, "\n", wu.usage)
	}
}
