package profile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// refreshDirName holds, per profile, the lock that serialises its
// refreshes and the refresh journal: what no program can catch (SIGKILL, a
// power cut) between sending a refresh and saving its answer is found
// there by the next one.
const refreshDirName = "refresh"

// refreshRecords are one profile's files in the refresh directory, named
// by a hash of the profile's name: names may hold any character.
type refreshRecords struct {
	dir, key string
}

func (s *Store) refreshRecords(name string) refreshRecords {
	sum := sha256.Sum256([]byte(nameKey(name)))
	return refreshRecords{dir: filepath.Join(s.dir, refreshDirName), key: hex.EncodeToString(sum[:8])}
}

func (r refreshRecords) path(suffix string) string { return filepath.Join(r.dir, r.key+suffix) }

func (r refreshRecords) lockPath() string    { return r.path(".lock") }
func (r refreshRecords) journalPath() string { return r.path(".journal") }
func (r refreshRecords) answerPath() string  { return r.path(".answer") }

// journalEntry says a refresh of Profile spending the refresh token of
// Generation was first sent at Since.
type journalEntry struct {
	SchemaVersion int       `toml:"schema_version"`
	Profile       string    `toml:"profile"`
	Generation    string    `toml:"generation"`
	Since         time.Time `toml:"since"`
}

// keptAnswer is an answer that could not be saved, kept for the next claim.
type keptAnswer struct {
	SchemaVersion int       `toml:"schema_version"`
	Generation    string    `toml:"generation"`
	Answer        Refreshed `toml:"answer"`
}

const journalHeader = `# authwiz refresh journal: a refresh of this profile was sent and its
# answer not yet saved. authwiz clears it; leave it alone.

`

const answerHeader = `# authwiz: new tokens a refresh got but could not save. Secret: never share.
# The next ` + "`authwiz token`" + ` of the profile saves them and removes this file.

`

func (r refreshRecords) writeJournal(e journalEntry) error {
	e.SchemaVersion = SchemaVersion
	data, err := encodeTOML(journalHeader, e)
	if err != nil {
		return fmt.Errorf("encode the refresh journal: %w", err)
	}
	return replaceWith(r.journalPath(), data)
}

// keep writes the answer to the journal directory, into reserved space
// when there is some.
func (r refreshRecords) keep(gen string, answer Refreshed, reserved *os.File) (string, error) {
	data, err := encodeTOML(answerHeader, keptAnswer{SchemaVersion: SchemaVersion, Generation: gen, Answer: answer})
	if err != nil {
		return "", fmt.Errorf("encode the new tokens: %w", err)
	}
	if err := replaceVia(r.answerPath(), data, reserved); err != nil {
		return "", err
	}
	return r.answerPath(), nil
}

// pending is what the journal says of a refresh spending sec's refresh
// token; nil when it says nothing about it. An entry about another refresh
// token is left over from tokens replaced since, and means nothing.
func (r refreshRecords) pending(sec Secrets) *PendingRefresh {
	gen := generation(sec.RefreshToken)
	e, found := r.readJournal()
	if !found || gen == "" || (e.Generation != "" && e.Generation != gen) {
		return nil
	}
	p := &PendingRefresh{Since: e.Since, Journal: r.journalPath()}
	var kept keptAnswer
	if data, err := os.ReadFile(r.answerPath()); err == nil {
		if _, err := toml.Decode(string(data), &kept); err == nil && kept.Generation == gen && kept.Answer.AccessToken != "" {
			p.Answer = &kept.Answer
		}
	}
	return p
}

// readJournal reads the journal entry. One that cannot be read (edited by
// hand) still says a refresh was in flight: since when is the file's
// modification time, and which token it spent is unknown.
func (r refreshRecords) readJournal() (journalEntry, bool) {
	data, err := os.ReadFile(r.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return journalEntry{}, false
	}
	var e journalEntry
	if err == nil {
		if _, err = toml.Decode(string(data), &e); err == nil && !e.Since.IsZero() {
			return e, true
		}
	}
	e = journalEntry{}
	if info, statErr := os.Stat(r.journalPath()); statErr == nil {
		e.Since = info.ModTime()
	}
	return e, true
}

// clear removes the journal entry and any kept answer: the answer first,
// so a crash in between leaves an entry about a spent token, which the
// next claim recognises as left over.
func (r refreshRecords) clear() error {
	for _, path := range []string{r.answerPath(), r.journalPath()} {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clear the refresh journal: %w", err)
		}
	}
	return syncDir(r.dir)
}

// removeLeftovers deletes reserved space and temp files a killed refresh of
// this profile left behind. It runs under the profile's claim, when no
// other refresh of it can be using them.
func (r refreshRecords) removeLeftovers() {
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, r.key) && strings.HasSuffix(name, reserveSuffix) ||
			strings.HasPrefix(name, "."+r.key) && strings.Contains(name, tempMarker) {
			os.Remove(filepath.Join(r.dir, name))
		}
	}
}

// moveRefreshRecords carries a renamed profile's journal along, so an
// interrupted refresh is still found under the new name. It is best
// effort: an entry left behind only loses its explanation.
func (s *Store) moveRefreshRecords(oldName, newName string) {
	from, to := s.refreshRecords(oldName), s.refreshRecords(newName)
	os.Rename(from.answerPath(), to.answerPath())
	os.Rename(from.journalPath(), to.journalPath())
}

// dropRefreshRecords forgets a deleted profile's journal. Its lock file
// stays: removing a lock file another process may be waiting on would let
// two processes hold "the" lock at once.
func (s *Store) dropRefreshRecords(name string) {
	r := s.refreshRecords(name)
	os.Remove(r.answerPath())
	os.Remove(r.journalPath())
}
