package profile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// SchemaVersion is the version of the files this authwiz writes. Files with
// a newer version are refused rather than half-understood and overwritten.
const SchemaVersion = 1

const (
	settingsFileName = "profiles.toml"
	secretsFileName  = "secrets.toml"
	draftFileName    = "draft.toml"
	lockFileName     = ".lock"
	backupSuffix     = ".bak"
)

type settingsFile struct {
	// Unknown are the keys authwiz does not know, as found by decodeFile.
	Unknown       []string `toml:"-"`
	SchemaVersion int      `toml:"schema_version"`
	// Generation numbers the change that wrote the file; secrets.toml
	// carries the same number.
	Generation uint64    `toml:"generation,omitempty"`
	Profiles   []Profile `toml:"profile"`
	// Held says, per profile name, what its secrets hold (see held).
	Held map[string]held `toml:"secrets_held,omitempty"`
}

type secretsFile struct {
	Unknown       []string           `toml:"-"`
	SchemaVersion int                `toml:"schema_version"`
	Generation    uint64             `toml:"generation,omitempty"`
	Secrets       map[string]Secrets `toml:"secrets"`
}

const settingsHeader = `# authwiz profiles: settings only, safe to show. Secrets live in secrets.toml.
# authwiz rewrites this file on every change: comments and keys it does not
# know are not kept. Edit with care; authwiz refuses a file it cannot read
# and keeps earlier versions in profiles.toml.bak, .bak.2 and .bak.3.

`

const secretsHeader = `# authwiz secrets: client secrets and tokens. Never share this file.
# authwiz rewrites this file on every change: comments and keys it does not
# know are not kept.

`

// ParseError says which file could not be read and where. authwiz never
// overwrites such a file.
type ParseError struct {
	Path string
	Line int // 0 when the problem is not on one line
	Err  error
}

func (e *ParseError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where = fmt.Sprintf("%s line %d", e.Path, e.Line)
	}
	return fmt.Sprintf("cannot read %s: %v. authwiz has not changed the file: fix it by hand, or put back the last good copy with `authwiz restore` (it keeps the damaged file beside it)", where, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// decodeFile parses one of authwiz's TOML files into v and checks its schema
// version, returning the keys it does not know (see unknownKeys). An empty
// file is an error, not "nothing saved yet": treating it as empty would let
// the next save replace whatever it used to hold.
func decodeFile(path string, data []byte, v any, version func() int) ([]string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Path: path, Err: errors.New("the file is empty")}
	}
	md, err := toml.Decode(string(data), v)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, &ParseError{Path: path, Line: lineAt(data, perr.Position), Err: errors.New(perr.Message)}
		}
		return nil, &ParseError{Path: path, Err: err}
	}
	switch got := version(); {
	case got == 0:
		return nil, &ParseError{Path: path, Err: errors.New("schema_version is missing")}
	case got > SchemaVersion:
		return nil, &ParseError{Path: path, Err: fmt.Errorf("it was written by a newer authwiz (schema_version %d; this one knows %d); upgrade authwiz", got, SchemaVersion)}
	}
	return unknownKeys(path, data, md.Undecoded()), nil
}

// lineAt is the line holding the offending byte. The parser's own line count
// has already moved on when that byte is the newline ending an unfinished
// line, which would send the admin to the line below the mistake.
func lineAt(data []byte, pos toml.Position) int {
	if pos.Start <= 0 || pos.Start > len(data) {
		return pos.Line
	}
	return bytes.Count(data[:pos.Start], []byte("\n")) + 1
}

func parseSettings(path string, data []byte) (settingsFile, error) {
	var f settingsFile
	unknown, err := decodeFile(path, data, &f, func() int { return f.SchemaVersion })
	if err != nil {
		return settingsFile{}, err
	}
	f.Unknown = unknown
	seen := make(map[string]bool, len(f.Profiles))
	for i, p := range f.Profiles {
		key := nameKey(p.Name)
		switch {
		case strings.TrimSpace(p.Name) == "":
			return settingsFile{}, &ParseError{Path: path, Err: fmt.Errorf("profile number %d has no name", i+1)}
		case seen[key]:
			return settingsFile{}, &ParseError{Path: path, Err: fmt.Errorf("the name %q is used by two profiles", p.Name)}
		}
		seen[key] = true
	}
	return f, nil
}

func parseSecrets(path string, data []byte) (secretsFile, error) {
	var f secretsFile
	unknown, err := decodeFile(path, data, &f, func() int { return f.SchemaVersion })
	if err != nil {
		return secretsFile{}, err
	}
	f.Unknown = unknown
	if f.Secrets == nil {
		f.Secrets = map[string]Secrets{}
	}
	return f, nil
}

func encodeTOML(header string, v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(header)
	if err := toml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// nameKey is how names are compared for uniqueness: "Prod" and "prod" would
// be too easy to confuse on a list, so they count as the same name.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func encodeSettings(f settingsFile) ([]byte, error) {
	f.SchemaVersion = SchemaVersion
	data, err := encodeTOML(settingsHeader, f)
	if err != nil {
		return nil, fmt.Errorf("encode profiles: %w", err)
	}
	return data, nil
}

func encodeSecrets(f secretsFile) ([]byte, error) {
	f.SchemaVersion = SchemaVersion
	data, err := encodeTOML(secretsHeader, f)
	if err != nil {
		return nil, fmt.Errorf("encode secrets: %w", err)
	}
	return data, nil
}

// sameSettings reports whether two profiles would be saved alike apart from
// their timestamps; comparing the encoded form treats nil and empty lists,
// and equal times in different zones, as the same.
func sameSettings(a, b Profile) (bool, error) {
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	ea, err := encodeSettings(settingsFile{Profiles: []Profile{a}})
	if err != nil {
		return false, err
	}
	eb, err := encodeSettings(settingsFile{Profiles: []Profile{b}})
	return bytes.Equal(ea, eb), err
}

// cloneProfile copies p deeply, so a change to the copy's lists cannot
// reach the original.
func cloneProfile(p Profile) Profile {
	p.Scopes = slices.Clone(p.Scopes)
	p.Site.Scopes = slices.Clone(p.Site.Scopes)
	p.Sites = slices.Clone(p.Sites)
	for i := range p.Sites {
		p.Sites[i].Scopes = slices.Clone(p.Sites[i].Scopes)
	}
	return p
}
