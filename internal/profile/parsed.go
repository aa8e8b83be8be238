package profile

import (
	"bytes"
	"maps"
	"slices"
	"sync"
)

// parsedFiles are the files as last parsed, each handed out again, as a
// copy, to every load that reads the same bytes. A command reads both files
// more than once (Open for hand-edit warnings, then List, then Get, each
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

func (p *parsedFiles) keep(path string, data []byte, parsed any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files == nil {
		p.files = map[string]parsedFile{}
	}
	p.files[path] = parsedFile{data, parsed}
}

// get hands out what was parsed of path when it was data, as a copy the
// caller may change.
func (p *parsedFiles) get(path string, data []byte) (any, bool) {
	p.mu.Lock()
	f, ok := p.files[path]
	p.mu.Unlock()
	if !ok || !bytes.Equal(f.data, data) {
		return nil, false
	}
	switch parsed := f.parsed.(type) {
	case settingsFile:
		return parsed.clone(), true
	case secretsFile:
		return parsed.clone(), true
	}
	return nil, false
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
