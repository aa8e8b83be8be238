package profile

import (
	"bytes"
	"maps"
	"slices"
	"sync"
)

// parsedFiles are the files as last parsed, each handed out again, as a
// copy, to every load that reads the same bytes. A command reads both files
// more than once (HandEdits for its warnings, then List, then Get, each
// under its own lock), and parsing, not reading, is most of what `token`
// and `list` spend on them: they now parse each version of a file once.
// Comparing the content, not the file's size and time, keeps a file
// rewritten in place, or replaced twice within the file system's clock
// tick, from ever standing in for what it holds now.
type parsedFiles struct {
	mu    sync.Mutex
	files map[string]parsedFile
}

type parsedFile struct {
	data   []byte
	parsed any // a settingsFile or a secretsFile
}

// parse returns what parseFile makes of data, read from path: parsed anew
// only when data differs from what was last parsed there, and always as
// a copy the caller may change.
func parse[F interface{ clone() F }](p *parsedFiles, path string, data []byte, parseFile func(string, []byte) (F, error)) (F, error) {
	p.mu.Lock()
	kept, ok := p.files[path]
	p.mu.Unlock()
	if ok && bytes.Equal(kept.data, data) {
		return kept.parsed.(F).clone(), nil
	}
	f, err := parseFile(path, data)
	if err != nil {
		return f, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files == nil {
		p.files = map[string]parsedFile{}
	}
	p.files[path] = parsedFile{data, f.clone()}
	return f, nil
}

func (f settingsFile) clone() settingsFile {
	f.Unknown = slices.Clone(f.Unknown)
	f.Profiles = slices.Clone(f.Profiles)
	for i := range f.Profiles {
		f.Profiles[i] = cloneProfile(f.Profiles[i])
	}
	f.Held = maps.Clone(f.Held)
	return f
}

func (f secretsFile) clone() secretsFile {
	f.Unknown = slices.Clone(f.Unknown)
	f.Secrets = maps.Clone(f.Secrets)
	for name, sec := range f.Secrets {
		sec.GrantedScopes = slices.Clone(sec.GrantedScopes)
		f.Secrets[name] = sec
	}
	return f
}
