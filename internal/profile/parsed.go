package profile

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"slices"
	"sync"
)

// parsedFiles are the files as last parsed, each handed out again, as a
// copy, to every load that finds the file unchanged since. A command reads
// both files more than once (Open for hand-edit warnings, then List, then
// Get, each under its own lock), and parsing is most of what `token` and
// `list` spend on the files: they now parse each file once per version.
type parsedFiles struct {
	mu    sync.Mutex
	files map[string]parsedFile
}

type parsedFile struct {
	// info is of the file that was read, taken from its open descriptor
	// before reading: a file replaced or rewritten since no longer matches.
	info   fs.FileInfo
	parsed any // a settingsFile or a secretsFile
}

func (p *parsedFiles) keep(path string, info fs.FileInfo, parsed any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files == nil {
		p.files = map[string]parsedFile{}
	}
	p.files[path] = parsedFile{info, parsed}
}

// get hands out what was parsed of path if the file is still the one that
// was parsed. Every write replaces a file by a new one, so the same file
// with the same size and time has the same content. The caller gets its
// own copy to change.
func (p *parsedFiles) get(path string) (any, bool) {
	p.mu.Lock()
	f, ok := p.files[path]
	p.mu.Unlock()
	if !ok {
		return nil, false
	}
	now, err := os.Stat(path)
	if err != nil || !os.SameFile(f.info, now) || !now.ModTime().Equal(f.info.ModTime()) || now.Size() != f.info.Size() {
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

// readFile reads path, with what describes the version read.
func readFile(path string) ([]byte, fs.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), info, nil
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
