package grantstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// Journal keeps, on this host, the answer of a refresh of a shared grant
// from the moment it arrives until the store has saved it. A refresher
// that dies in between leaves its answer here, the only copy of the
// rotated refresh token: `authwiz recover` (or the next refresh on this
// host) saves it to the store. Entries are sealed to this host's key and
// written 0600, so neither the file nor a backup of it shows a token.
//
// A journal holds the grants of one store: two stores may each hold a
// grant of the same name, and an answer saved to the wrong one would
// replace its refresh token with another grant's.
type Journal struct {
	dir   string
	store string
	id    seal.Identity
}

// JournalDirName is the journal's directory in the config directory.
const JournalDirName = "shared-journal"

// OpenJournal is the journal, in configDir, of the grants in the store
// called store (its address, or any name that tells stores apart),
// opened with this host's key.
func OpenJournal(configDir, store string, id seal.Identity) *Journal {
	return &Journal{dir: filepath.Join(configDir, JournalDirName), store: store, id: id}
}

// Entry is one refresh's answer, for the generation and claim it spent.
type Entry struct {
	Name       string `json:"name"`
	Generation int64  `json:"generation"`
	Fence      int64  `json:"fence"`
	// Spent is TokenID of the refresh token the refresh spent: the answer
	// follows that token only. A grant deleted from its store and shared
	// again counts its generations anew, so the generation alone may match
	// an answer to the grant that is gone. Empty in entries written before
	// it was kept.
	Spent  string            `json:"spent,omitempty"`
	Answer profile.Refreshed `json:"answer"`
}

// TokenID names a refresh token without revealing it.
func TokenID(refreshToken string) string {
	sum := sha256.Sum256([]byte(refreshToken))
	return hex.EncodeToString(sum[:])
}

// follows reports whether e may be the answer to a refresh that spends
// refreshToken: an entry that does not say what it spent may be.
func (e Entry) follows(refreshToken string) bool {
	return e.Spent == "" || e.Spent == TokenID(refreshToken)
}

// Put keeps e, replacing any earlier entry for the same grant: only the
// newest answer can hold the current refresh token.
func (j *Journal) Put(e Entry) error {
	return j.write(j.path(e.Name), e)
}

func (j *Journal) write(path string, e Entry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	sealed, err := seal.Seal(data, []string{j.id.Recipient()})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(j.dir, 0o700); err != nil {
		return fmt.Errorf("keep the refresh's answer on this host: %w", err)
	}
	if err := seal.WritePrivate(path, sealed, false); err != nil {
		return fmt.Errorf("keep the refresh's answer on this host: %w", err)
	}
	return nil
}

// Get is the entry kept for the grant name; ok is false when there is
// none. An entry written before journals were kept per store is found
// under the name alone, so an upgrade loses no pending answer.
func (j *Journal) Get(name string) (e Entry, ok bool, err error) {
	for _, path := range j.paths(name) {
		sealed, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return e, false, fmt.Errorf("read this host's journal of %q: %w", name, err)
		}
		data, err := j.id.Open(sealed)
		if err != nil {
			return e, false, fmt.Errorf("read this host's journal of %q: %w", name, err)
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return e, false, fmt.Errorf("read this host's journal of %q: %w", name, err)
		}
		return e, true, nil
	}
	return e, false, nil
}

// Drop forgets the entry of the grant name, once the store holds its
// answer or the answer was superseded.
func (j *Journal) Drop(name string) error {
	for _, path := range j.paths(name) {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clear this host's journal of %q: %w", name, err)
		}
	}
	return nil
}

func (j *Journal) path(name string) string {
	return filepath.Join(j.dir, fileKey(j.store, name)+".age")
}

// oldPath is where name's entry was kept before journals were kept per
// store: by the name alone.
func (j *Journal) oldPath(name string) string { return filepath.Join(j.dir, fileKey(name)+".age") }

// paths are where name's entry may be, its own first.
func (j *Journal) paths(name string) []string { return []string{j.path(name), j.oldPath(name)} }

// fileKey names a grant's files from the parts that tell it apart (its
// store and its name): profile names hold spaces and slashes, and a file
// name need not tell which grant it is.
func fileKey(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:12])
}
