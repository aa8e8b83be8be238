package profile

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// lineWith is the number of the first line of path holding text.
func lineWith(t *testing.T, path, text string) int {
	t.Helper()
	data, _ := os.ReadFile(path)
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", path, text)
	return 0
}

// insertAfter puts line into the file at path after the first line that
// contains after, or at the start when after is empty.
func insertAfter(t *testing.T, path, after, line string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	at := 0
	if after != "" {
		at = -1
		for i, l := range lines {
			if strings.Contains(l, after) {
				at = i + 1
				break
			}
		}
		if at < 0 {
			t.Fatalf("%s has no line with %q", path, after)
		}
	}
	lines = append(lines[:at], append([]string{line}, lines[at:]...)...)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), privateFile); err != nil {
		t.Fatal(err)
	}
}

func TestHandAddedKeysAreReported(t *testing.T) {
	s := savedStore(t)
	settings, secrets := s.path(settingsFileName), s.path(secretsFileName)
	insertAfter(t, settings, `type = "oauth2"`, `  nickname = "Prod"`)
	insertAfter(t, settings, "generation =", `owner = "ops" # who to ask`)
	insertAfter(t, settings, "", "# my notes")
	insertAfter(t, settings, "owner =", `"\u009b31mred\u001b]52;c;eA==\u0007" = 1`)
	insertAfter(t, settings, "refresh_token = true", "[extra]\n  a = 1\n  b = 2")
	insertAfter(t, secrets, `token_type = "Bearer"`, `    note = "rotated by hand"`)
	owner, nick, extra := lineWith(t, settings, "owner ="), lineWith(t, settings, "nickname ="), lineWith(t, settings, "[extra]")
	note := lineWith(t, secrets, "note =")

	reopened, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("%s line %d: authwiz does not know the key owner ", settings, owner),
		fmt.Sprintf("%s line %d: authwiz does not know the key profile.nickname ", settings, nick),
		fmt.Sprintf("%s line %d: authwiz does not know the key extra ", settings, extra),
		fmt.Sprintf("%s line %d: authwiz does not know the key %s ", settings, owner+1, `"?31mred\u001b]52;c;eA==\u0007"`),
		fmt.Sprintf("%s line %d: authwiz does not know the key %s ", secrets, note, `secrets."OAuth2 confluence Authentication".note`),
	}
	got := reopened.HandEdits()
	if len(got) != len(want) {
		t.Fatalf("want %d warnings (a table once, not each key in it), got %q", len(want), got)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("no warning %q in\n%s", w, strings.Join(got, "\n"))
		}
	}
	if strings.ContainsAny(strings.Join(got, ""), "\x1b\x07\u009b") {
		t.Errorf("a key reached the warning with its escape sequences: %q", got)
	}
	if !strings.Contains(got[0], "will not keep it") {
		t.Errorf("the warning must say the key goes at the next change: %q", got[0])
	}
	if _, _, err := reopened.Get(s.mustOnlyName(t)); err != nil {
		t.Errorf("unknown keys are no reason to refuse the profile: %v", err)
	}
}

func (s *Store) mustOnlyName(t *testing.T) string {
	t.Helper()
	list, err := s.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("want one profile: %v %v", list, err)
	}
	return list[0].Name
}

func TestHeadersSayHandEditsAreNotKept(t *testing.T) {
	s := savedStore(t)
	for _, name := range []string{settingsFileName, secretsFileName} {
		data, _ := os.ReadFile(s.path(name))
		if !strings.Contains(string(data), "comments and keys it does not\n# know are not kept") {
			t.Errorf("%s's header does not say hand edits are not kept:\n%.300s", name, data)
		}
	}
}

// Open reads the files to report hand edits; what it read must never stand
// in for a file another process has replaced since.
func TestWhatOpenReadIsNeverStale(t *testing.T) {
	s := savedStore(t)
	first, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.AppName, sec.RefreshToken = "changed meanwhile", "refresh-3"
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	got, gotSec, err := first.Get(p.Name)
	if err != nil || got.AppName != p.AppName || gotSec.RefreshToken != sec.RefreshToken {
		t.Fatalf("a store opened before a change read the old files: %q %q %v", got.AppName, gotSec.RefreshToken, err)
	}
}
