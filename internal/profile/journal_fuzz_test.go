package profile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzJournal feeds the refresh journal and a kept answer arbitrary bytes,
// as a hand edit or a torn disk might leave them: reading never panics, an
// entry always counts as a refresh in flight, and a kept answer is only
// taken for the tokens it was kept for.
func FuzzJournal(f *testing.F) {
	f.Add([]byte("schema_version = 1\nprofile = \"p\"\ngeneration = \"x\"\nsince = 2026-11-28T15:04:05Z\n"),
		[]byte("schema_version = 1\ngeneration = \"x\"\n[answer]\naccess_token = \"a\"\nat = 2026-11-28T15:04:05Z\n"))
	f.Add([]byte(""), []byte("\x00\x00"))
	f.Add([]byte("since = 1\n"), []byte("[answer\n"))
	sec := Secrets{RefreshToken: "refresh-1"}
	f.Fuzz(func(t *testing.T, journal, kept []byte) {
		r := refreshRecords{dir: t.TempDir(), key: "k"}
		if err := os.WriteFile(r.journalPath(), journal, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(r.dir, "k.answer"), kept, 0o600); err != nil {
			t.Fatal(err)
		}
		p := r.pending(sec)
		e, _ := r.readJournal()
		if stale := e.Generation != "" && e.Generation != generation(sec.RefreshToken); stale != (p == nil) {
			t.Fatalf("journal %q: pending %+v", journal, p)
		}
		if p != nil && p.Answer != nil && p.Answer.AccessToken == "" {
			t.Fatalf("an answer without an access token was taken: %q", kept)
		}
	})
}
