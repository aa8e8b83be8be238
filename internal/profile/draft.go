package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Draft is a wizard run put aside to be resumed later. It never holds the
// client secret: a draft is a convenience, not a place for credentials.
type Draft struct {
	Profile Profile `toml:"profile"`
	// Step is the wizard step (1–12) the admin was on.
	Step int `toml:"step"`
	// EditOf names the saved profile being edited; empty for a new one.
	EditOf string `toml:"edit_of,omitempty"`
	// ExistingApp: the app was made already (by the organisation or a
	// vendor), so the Developer Console steps are skipped.
	ExistingApp bool `toml:"existing_app,omitempty"`
}

type draftFile struct {
	SchemaVersion int   `toml:"schema_version"`
	Draft         Draft `toml:"draft"`
}

const draftHeader = `# authwiz: a wizard run put aside; the next run offers to resume it.
# It holds no secrets.

`

// SaveDraft keeps d for the next run, replacing any earlier draft.
func (s *Store) SaveDraft(d Draft) error {
	data, err := encodeTOML(draftHeader, draftFile{SchemaVersion: SchemaVersion, Draft: d})
	if err != nil {
		return fmt.Errorf("encode draft: %w", err)
	}
	return s.exclusive(func() error { return replaceWith(s.path(draftFileName), data) })
}

// LoadDraft returns the saved draft, if there is one.
func (s *Store) LoadDraft() (Draft, bool, error) {
	var (
		f     draftFile
		found bool
	)
	err := s.read(func() error {
		path := s.path(draftFileName)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		found = true
		_, err = decodeFile(path, data, &f, func() int { return f.SchemaVersion })
		return err
	})
	return f.Draft, found && err == nil, err
}

// DeleteDraft discards the saved draft; having none is fine.
func (s *Store) DeleteDraft() error {
	return s.exclusive(func() error {
		if err := os.Remove(s.path(draftFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("discard the draft: %w", err)
		}
		return nil
	})
}
