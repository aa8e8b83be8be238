package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Restored says what Restore put back.
type Restored struct {
	// Files are the files replaced by their backups.
	Files []string
	// KeptAs maps each replaced file to where its damaged version was kept.
	KeptAs map[string]string
}

// Restore puts back the last good copy of each file that cannot be read,
// keeping the damaged file beside it under a new name so nothing is lost. A
// file that reads fine is left alone, and so is one whose backup cannot be
// read either.
func (s *Store) Restore() (Restored, error) {
	res := Restored{KeptAs: map[string]string{}}
	err := s.exclusive(func() error { return s.restore(&res) })
	return res, err
}

func (s *Store) restore(res *Restored) error {
	for _, f := range []struct {
		name  string
		parse func(path string, data []byte) error
	}{
		{settingsFileName, func(p string, d []byte) error { _, err := parseSettings(p, d); return err }},
		{secretsFileName, func(p string, d []byte) error { _, err := parseSecrets(p, d); return err }},
	} {
		path := s.path(f.name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if f.parse(path, data) == nil {
			continue
		}
		good, err := os.ReadFile(path + backupSuffix)
		if err != nil {
			return fmt.Errorf("%s cannot be read and there is no usable backup (%s): fix the file by hand", path, path+backupSuffix)
		}
		if err := f.parse(path+backupSuffix, good); err != nil {
			return fmt.Errorf("%s cannot be read and neither can its backup: %w", path, err)
		}
		kept := fmt.Sprintf("%s.damaged-%s", path, s.now().UTC().Format("20060102T150405Z"))
		if err := replaceWith(kept, data); err != nil {
			return err
		}
		if err := replaceWith(path, good); err != nil {
			return err
		}
		res.Files = append(res.Files, path)
		res.KeptAs[path] = kept
	}
	return nil
}
