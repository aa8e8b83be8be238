package profile

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// HandEdits are the warnings about keys in the files that authwiz does
// not know, which the next change drops. It reads both files (Open does
// not, so a program's first screen waits for neither). A file that cannot
// be read is left to the commands that read it, which refuse it with the
// reason.
func (s *Store) HandEdits() []string {
	var warnings []string
	if settings, err := s.loadSettings(); err == nil {
		warnings = settings.Unknown
	}
	if secrets, err := s.loadSecrets(); err == nil {
		warnings = append(warnings, secrets.Unknown...)
	}
	return warnings
}

// unknownKeys describes the keys of a file that authwiz does not know,
// each with its line, for a warning: the next save drops them, and a
// hand-added key that vanishes without a word looks like a bug. A table
// nobody knows is named once, not with every key in it.
func unknownKeys(path string, data []byte, undecoded []toml.Key) []string {
	var msgs []string
	for _, key := range undecoded {
		if slices.ContainsFunc(undecoded, func(k toml.Key) bool { return len(k) < len(key) && slices.Equal(k, key[:len(k)]) }) {
			continue
		}
		where := path
		if line := lineOfKey(data, key); line > 0 {
			where = fmt.Sprintf("%s line %d", path, line)
		}
		msgs = append(msgs, fmt.Sprintf("%s: authwiz does not know the key %s and will not keep it at the next change", where, printable(key.String())))
	}
	return msgs
}

// lineOfKey finds the line that defines key, reading table headers and
// key names the simple way authwiz writes them (and most people type
// them); 0 when it cannot tell. toml.MetaData keeps key positions to
// itself.
func lineOfKey(data []byte, key toml.Key) int {
	want := key.String()
	var table []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			table, _ = splitKey(strings.TrimLeft(line, "["))
			if toml.Key(table).String() == want {
				return n
			}
			continue
		}
		if name, rest := splitKey(line); strings.HasPrefix(rest, "=") &&
			toml.Key(append(slices.Clone(table), name...)).String() == want {
			return n
		}
	}
	return 0
}

// splitKey reads the dotted TOML key at the start of s, unquoting quoted
// parts, and returns its parts and what follows it.
func splitKey(s string) (parts []string, rest string) {
	for {
		s = strings.TrimLeft(s, " \t")
		var part string
		switch {
		case strings.HasPrefix(s, `"`):
			quoted, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, s
			}
			part, _ = strconv.Unquote(quoted)
			s = s[len(quoted):]
		case strings.HasPrefix(s, "'"):
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, s
			}
			part, s = s[1:end+1], s[end+2:]
		default:
			end := strings.IndexAny(s, ".=] \t")
			if end < 0 {
				end = len(s)
			}
			part, s = s[:end], s[end:]
		}
		parts = append(parts, part)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return parts, s
		}
		s = s[1:]
	}
}
