package profile

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// A command reads the files several times (Open, List, Get); parsing is
// the costly part, and each version of a file is parsed once. Counted in
// allocations, which do not depend on the machine's speed: a read served
// from the first parse makes fewer than parsing profiles.toml alone does.
func TestEachVersionOfAFileIsParsedOnce(t *testing.T) {
	s := savedStore(t)
	p, _ := fullProfile()
	store, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	path := s.path(settingsFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parsing := testing.AllocsPerRun(10, func() {
		if _, err := parseSettings(path, data); err != nil {
			t.Fatal(err)
		}
	})
	reading := testing.AllocsPerRun(10, func() {
		if _, _, err := store.Get(p.Name); err != nil {
			t.Fatal(err)
		}
	})
	if reading >= parsing {
		t.Fatalf("Get made %.0f allocations, parsing profiles.toml alone %.0f: the files were parsed again", reading, parsing)
	}
}

// What was parsed stands only for the same bytes: a file rewritten in
// place with its size and time put back (as a copy with cp -p can) is
// read as it is now.
func TestAFileRewrittenInPlaceIsReadAgain(t *testing.T) {
	s := savedStore(t)
	p, _ := fullProfile()
	store, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	path := s.path(settingsFileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(data, []byte("Workspace365"), []byte("Workspace366"), 1)
	if bytes.Equal(edited, data) {
		t.Fatal("the edit changed nothing")
	}
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	got, _, err := store.Get(p.Name)
	if err != nil || got.AppName != "OAuth Connection Workspace366 Integration Builder" {
		t.Fatalf("Get = %q, %v: the file as it was before the edit", got.AppName, err)
	}
}

// What a caller does with the profiles and secrets it was handed never
// reaches the next read.
func TestReadsHandOutTheirOwnCopies(t *testing.T) {
	s := savedStore(t)
	want, wantSec := fullProfile()
	// The first read after a save parses; the ones after it are handed
	// what it parsed.
	warm, warmSec, err := s.Get(want.Name)
	if err != nil {
		t.Fatal(err)
	}
	warm.Scopes[0], warmSec.GrantedScopes[0] = "changed", "changed"
	list, err := s.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %d profiles, %v", len(list), err)
	}
	list[0].Name, list[0].Scopes[0], list[0].Sites[0].Scopes[0] = "changed", "changed", "changed"
	_, sec, err := s.Get(want.Name)
	if err != nil {
		t.Fatal(err)
	}
	sec.GrantedScopes[0] = "changed"
	got, gotSec, err := s.Get(want.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Scopes, want.Scopes) || !slices.Equal(got.Sites[0].Scopes, want.Sites[0].Scopes) ||
		!slices.Equal(gotSec.GrantedScopes, wantSec.GrantedScopes) {
		t.Fatalf("a change to what was read reached the next read: %q %q %q", got.Scopes, got.Sites[0].Scopes, gotSec.GrantedScopes)
	}
}
