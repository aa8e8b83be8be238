package profile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"
)

// Holder is the process holding a lock, as it described itself.
type Holder struct {
	PID     int       `toml:"pid"`
	Command string    `toml:"command"`
	Since   time.Time `toml:"since"`
}

// maxCommandShown keeps a holder's command line readable in a message.
const maxCommandShown = 120

// String names the holder for a person: PID 4242, `authwiz token prod`,
// since 14:03:07. The command is cleaned of control characters: it was
// written by another process and may hold anything a profile name can.
func (h Holder) String() string {
	cmd := printable(h.Command)
	if r := []rune(cmd); len(r) > maxCommandShown {
		cmd = string(r[:maxCommandShown]) + "…"
	}
	s := fmt.Sprintf("PID %d", h.PID)
	if cmd != "" {
		s += ", `" + cmd + "`"
	}
	if !h.Since.IsZero() {
		s += ", since " + h.Since.Local().Format("15:04:05")
	}
	return s
}

// printable replaces what a terminal would act on, or would not show,
// with '?': for text another process or a hand edit wrote.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf) {
			return '?'
		}
		return r
	}, s)
}

// thisProcess describes the running process. authwiz never takes a secret
// on its command line, so the command is safe to write down.
func thisProcess() Holder {
	args := append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...)
	return Holder{PID: os.Getpid(), Command: strings.Join(args, " "), Since: time.Now().UTC().Truncate(time.Second)}
}

// writeHolder notes this process as the holder of a lock. The note only
// helps a waiting process explain itself, so failing to write it is no
// reason to fail what the lock protects.
func writeHolder(path string) {
	data, err := encodeTOML("", thisProcess())
	if err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow, privateFile)
	if err != nil {
		return
	}
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		_, _ = f.Write(data)
	}
	f.Close()
}

// maxHolderNote bounds what is read of a note: a real one is a few lines.
const maxHolderNote = 4 << 10

// readHolder reads a lock's note; the zero Holder when there is none.
func readHolder(path string) Holder {
	var h Holder
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return Holder{}
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return Holder{}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHolderNote))
	if err != nil {
		return Holder{}
	}
	if _, err := toml.Decode(string(data), &h); err != nil {
		return Holder{}
	}
	return h
}
