package profile

import (
	"io/fs"
	"os"
	"sync"
)

// preread are the files as Open parsed them to report hand edits, each
// handed to the first load that finds the file unchanged since, so that a
// command parses each file once, not twice: with hundreds of profiles,
// parsing is most of what a command like list spends its time on.
type preread struct {
	mu    sync.Mutex
	files map[string]prereadFile
}

type prereadFile struct {
	// info is from before the file was read: a file replaced in between
	// no longer matches it, and is read again.
	info   fs.FileInfo
	parsed any // a settingsFile or a secretsFile
}

func (p *preread) keep(path string, info fs.FileInfo, parsed any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files == nil {
		p.files = map[string]prereadFile{}
	}
	p.files[path] = prereadFile{info, parsed}
}

// take hands out what was parsed of path, once, if the file is still the
// one that was parsed. Every write replaces a file by a new one, so the
// same file with the same size and time has the same content.
func (p *preread) take(path string) (any, bool) {
	p.mu.Lock()
	f, ok := p.files[path]
	delete(p.files, path)
	p.mu.Unlock()
	if !ok {
		return nil, false
	}
	now, err := os.Stat(path)
	if err != nil || !os.SameFile(f.info, now) || !now.ModTime().Equal(f.info.ModTime()) || now.Size() != f.info.Size() {
		return nil, false
	}
	return f.parsed, true
}
