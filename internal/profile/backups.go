package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// keptBackups is how many earlier versions of each file are kept: the
// newest is path.bak, older ones path.bak.2 and path.bak.3. One was not
// enough: a file that lost its content but still read was backed up over
// the last good copy by the next unrelated save.
const keptBackups = 3

// backupPath is where the n-th newest backup of path is kept.
func backupPath(path string, n int) string {
	if n == 1 {
		return path + backupSuffix
	}
	return path + backupSuffix + "." + strconv.Itoa(n)
}

// backupsOf lists path's backups, newest first.
func backupsOf(path string) []string {
	dir, base := filepath.Split(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	type slot struct {
		n    int
		path string
	}
	var slots []slot
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base+backupSuffix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		n := 1
		if rest != "" {
			num, dotted := strings.CutPrefix(rest, ".")
			v, err := strconv.Atoi(num)
			if !dotted || err != nil || v < 2 {
				continue
			}
			n = v
		}
		slots = append(slots, slot{n, filepath.Join(dir, e.Name())})
	}
	slices.SortFunc(slots, func(a, b slot) int { return a.n - b.n })
	paths := make([]string, len(slots))
	for i, sl := range slots {
		paths[i] = sl.path
	}
	return paths
}

// holdingsFunc says what a copy of a file holds that matters, as keys
// "name" (a profile in the settings) or "name\x00item" (a secret of a
// profile); ok is false when the copy cannot be read.
type holdingsFunc func(data []byte) (keys map[string]bool, ok bool)

func settingsHoldings(data []byte) (map[string]bool, bool) {
	f, err := parseSettings("", data)
	if err != nil {
		return nil, false
	}
	keys := make(map[string]bool, len(f.Profiles))
	for _, p := range f.Profiles {
		keys[nameKey(p.Name)] = true
	}
	return keys, true
}

func secretsHoldings(data []byte) (map[string]bool, bool) {
	f, err := parseSecrets("", data)
	if err != nil {
		return nil, false
	}
	keys := map[string]bool{}
	for name, sec := range f.Secrets {
		for _, item := range heldOf(sec, 0).missingFrom(Secrets{}) {
			keys[nameKey(name)+"\x00"+item] = true
		}
	}
	return keys, true
}

// holdingsOf picks the holdings function for one of the store's files.
func holdingsOf(path string) holdingsFunc {
	if filepath.Base(path) == secretsFileName {
		return secretsHoldings
	}
	return settingsHoldings
}

// keepBackup keeps the current version of path among its backups before
// data replaces it. When that makes more than keptBackups copies, the
// oldest copy that holds nothing the others (and data) lack is dropped,
// not simply the oldest: a copy that alone holds some profile or secret
// is never given up, unless the user asked for that profile to go
// (dropped). An unreadable current file is not kept: it is no good copy.
func keepBackup(path string, data []byte, dropped []renamed) error {
	current, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keep a backup of %s: %w", path, err)
	}
	holdings := holdingsOf(path)
	type version struct {
		path  string
		holds map[string]bool
	}
	holds, ok := holdings(current)
	if !ok {
		return nil
	}
	copies := []version{{path, holds}}
	for _, b := range backupsOf(path) {
		bdata, err := os.ReadFile(b)
		if err != nil {
			return fmt.Errorf("keep a backup of %s: %w", path, err)
		}
		bholds, _ := holdings(bdata)
		copies = append(copies, version{b, bholds})
	}
	next, _ := holdings(data)
	covered := func(i int) bool {
		for key := range copies[i].holds {
			if asked(key, dropped) || next[key] {
				continue
			}
			if !slices.ContainsFunc(copies, func(v version) bool { return v.path != copies[i].path && v.holds[key] }) {
				return false
			}
		}
		return true
	}
	if len(copies) > keptBackups {
		for i := len(copies) - 1; i >= 0; i-- {
			if !covered(i) {
				continue
			}
			if i == 0 {
				return nil
			}
			if err := os.Remove(copies[i].path); err != nil {
				return fmt.Errorf("drop an old backup of %s: %w", path, err)
			}
			copies = slices.Delete(copies, i, i+1)
			break
		}
	}
	// Oldest first, so no rename lands on a copy still to be moved.
	for i := len(copies) - 1; i >= 1; i-- {
		if to := backupPath(path, i+1); copies[i].path != to {
			if err := renameReplace(copies[i].path, to); err != nil {
				return fmt.Errorf("keep a backup of %s: %w", path, err)
			}
		}
	}
	return linkOrCopy(path, backupPath(path, 1))
}

// asked reports whether key belongs to a profile the user asked to delete
// or rename.
func asked(key string, dropped []renamed) bool {
	name, _, _ := strings.Cut(key, "\x00")
	return slices.ContainsFunc(dropped, func(d renamed) bool { return nameKey(d.From) == name })
}

// linkOrCopy makes to a copy of from. A hard link keeps it without
// copying, so it needs no disk space; where links do not work it is copied.
func linkOrCopy(from, to string) error {
	dir, base := filepath.Split(to)
	tmp := filepath.Join(dir, "."+base+tempMarker+"link")
	os.Remove(tmp)
	err := os.Link(from, tmp)
	if err == nil {
		if err = renameReplace(tmp, to); err == nil {
			return syncDir(dir)
		}
		os.Remove(tmp)
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("keep a backup of %s: %w", from, err)
	}
	return replaceWith(to, data)
}

// scrubBackups takes the profiles the user deleted out of every backup
// of both files, and gives renamed ones their new name there: a deleted
// profile's client secret must not live on in a backup, and a restore
// must not bring back a renamed profile under its old name.
func (s *Store) scrubBackups(dropped []renamed) error {
	if len(dropped) == 0 {
		return nil
	}
	for _, name := range []string{settingsFileName, secretsFileName} {
		for _, b := range backupsOf(s.path(name)) {
			if err := scrubBackup(b, name, dropped); err != nil {
				return err
			}
		}
	}
	return nil
}

func scrubBackup(path, name string, dropped []renamed) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("remove deleted profiles from %s: %w", path, err)
	}
	var out []byte
	if name == secretsFileName {
		f, err := parseSecrets(path, data)
		if err != nil || !renameKeys(f.Secrets, dropped) {
			return nil
		}
		out, err = encodeSecrets(f)
		if err != nil {
			return err
		}
	} else {
		f, err := parseSettings(path, data)
		if err != nil {
			return nil
		}
		changed := renameKeys(f.Held, dropped)
		for _, d := range dropped {
			i := slices.IndexFunc(f.Profiles, func(p Profile) bool { return nameKey(p.Name) == nameKey(d.From) })
			taken := slices.ContainsFunc(f.Profiles, func(p Profile) bool { return p.Name != d.From && nameKey(p.Name) == nameKey(d.To) })
			switch {
			case i < 0:
				continue
			case d.To == "" || taken:
				f.Profiles = slices.Delete(f.Profiles, i, i+1)
			default:
				f.Profiles[i].Name = d.To
			}
			changed = true
		}
		if !changed {
			return nil
		}
		if out, err = encodeSettings(f); err != nil {
			return err
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("remove deleted profiles from %s: %w", path, err)
	}
	if err := replaceWith(path, out); err != nil {
		return fmt.Errorf("remove deleted profiles from %s: %w", path, err)
	}
	// The backup still stands for the moment it was written.
	return os.Chtimes(path, info.ModTime(), info.ModTime())
}

// renameKeys applies dropped to a map keyed by profile name and reports
// whether it changed anything.
func renameKeys[V any](m map[string]V, dropped []renamed) bool {
	changed := false
	for _, d := range dropped {
		for _, key := range slices.Collect(maps.Keys(m)) {
			if nameKey(key) != nameKey(d.From) {
				continue
			}
			v := m[key]
			delete(m, key)
			if _, taken := m[d.To]; d.To != "" && !taken {
				m[d.To] = v
			}
			changed = true
		}
	}
	return changed
}
