package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/authwiz/authwiz/internal/profile/profiletest"
)

// Space reserved before a disk fills up carries the next version of a file
// and its backup: the backup is a link, and the new version goes into the
// reserved space.
func TestReservedSpaceCarriesAWriteOnAFullDisk(t *testing.T) {
	disk := profiletest.SmallDisk(t, "128k")
	path := filepath.Join(disk, "secrets.toml")
	old, err := encodeSecrets(secretsFile{Generation: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(path, old, nil, nil); err != nil {
		t.Fatal(err)
	}
	reserved, err := reserve(filepath.Join(disk, "secrets.reserve"), 8192)
	if err != nil {
		t.Fatal(err)
	}
	profiletest.Fill(t, disk)
	if err := writeAtomic(path, []byte("no room for this"), nil, nil); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("a write with no space reserved on a full disk: %v", err)
	}
	newer := strings.Repeat("new ", 1000)
	if err := writeAtomic(path, []byte(newer), reserved, nil); err != nil {
		t.Fatalf("a write into reserved space on a full disk: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != newer {
		t.Errorf("the file holds %d bytes, want the %d written", len(got), len(newer))
	}
	if got, _ := os.ReadFile(path + backupSuffix); string(got) != string(old) {
		t.Errorf("the backup holds %q", got)
	}
	assertMode(t, path, 0o600)
}

// savedStore is a store in a private directory holding one profile, saved
// twice so that both files have a backup.
func savedStore(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	p, sec := fullProfile()
	for _, token := range []string{"refresh-1", "refresh-2"} {
		sec.RefreshToken = token
		if err := s.Save(p, sec); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Every save replaces each file by a new one, never rewrites it in place
// (a crash in the middle of that leaves half a file), and makes it durable:
// the new content is flushed before the rename, the directory right after.
func TestWritesReplaceAndFlushBoth(t *testing.T) {
	s := savedStore(t)
	files := []string{s.path(settingsFileName), s.path(secretsFileName)}
	before := map[string]os.FileInfo{}
	for _, path := range files {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		before[path] = info
	}
	type flush struct {
		dir  bool
		path string // the temp file, or the directory
		data []byte // what the temp file held when flushed
	}
	var flushes []flush
	defer func(f func(*os.File) error, d func(string) error) { fsync, fsyncDir = f, d }(fsync, fsyncDir)
	fsync = func(f *os.File) error {
		data, err := os.ReadFile(f.Name())
		if err != nil {
			t.Errorf("read the flushed file: %v", err)
		}
		flushes = append(flushes, flush{path: f.Name(), data: data})
		return f.Sync()
	}
	fsyncDir = func(dir string) error {
		flushes = append(flushes, flush{dir: true, path: dir})
		return syncDir(dir)
	}

	p, sec := fullProfile()
	sec.RefreshToken = "refresh-3"
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		after, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if os.SameFile(before[path], after) {
			t.Errorf("%s was rewritten in place, not replaced by a new file", filepath.Base(path))
		}
		assertMode(t, path, privateFile)
		final, _ := os.ReadFile(path)
		prefix := filepath.Join(s.Dir(), "."+filepath.Base(path)+tempMarker)
		last := -1
		for i, f := range flushes {
			if !f.dir && strings.HasPrefix(f.path, prefix) {
				last = i
			}
		}
		switch {
		case last < 0 || string(flushes[last].data) != string(final):
			t.Errorf("%s: its new content was not flushed before it took the file's place", filepath.Base(path))
		case last+1 == len(flushes) || !flushes[last+1].dir || filepath.Clean(flushes[last+1].path) != filepath.Clean(s.Dir()):
			t.Errorf("%s: the directory was not flushed right after the rename", filepath.Base(path))
		}
	}
}

// A save clears the temp files a crashed save of the store left, but not
// those of files others write beside the store under locks of their own
// (shared.json, the host key): one of them may be being written now.
func TestASaveClearsOnlyItsOwnStaleTemps(t *testing.T) {
	s := savedStore(t)
	own := s.path("." + settingsFileName + tempMarker + "123")
	others := s.path(".shared.json" + tempMarker + "456")
	for _, path := range []string{own, others} {
		if err := os.WriteFile(path, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(own); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a crashed save's temp file is still there (%v)", err)
	}
	if _, err := os.Stat(others); err != nil {
		t.Errorf("a save removed the temp file of another writer: %v", err)
	}
}
