package profile

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseSettings checks that any settings file either parses into
// profiles that survive a save unchanged, or is refused with a ParseError
// naming the file; it never panics.
func FuzzParseSettings(f *testing.F) {
	p, _ := fullProfile()
	good, err := encodeSettings(settingsFile{Profiles: []Profile{p}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(""))
	f.Add([]byte("schema_version = 1\n"))
	f.Add([]byte("schema_version = 1\n[[profile]]\nname = \"a\"\nscopes = [\"x\", 1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "/cfg/profiles.toml"
		sf, err := parseSettings(path, data)
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) || perr.Path != path {
				t.Fatalf("refusal is not a ParseError naming the file: %v", err)
			}
			if perr.Line < 0 || perr.Line > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("line %d is outside the file", perr.Line)
			}
			return
		}
		again, err := encodeSettings(sf)
		if err != nil {
			t.Fatalf("a parsed file must encode: %v", err)
		}
		sf2, err := parseSettings(path, again)
		if err != nil {
			t.Fatalf("what authwiz writes must read back: %v\n%s", err, again)
		}
		third, _ := encodeSettings(sf2)
		if !bytes.Equal(again, third) {
			t.Fatalf("saving is not stable:\n%s\n---\n%s", again, third)
		}
	})
}
