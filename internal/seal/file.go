package seal

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/authwiz/authwiz/internal/fileacl"
)

// IdentityFileName is the host key's file in the config directory.
const IdentityFileName = "host-key.txt"

// LoadOrCreate reads the host's identity from dir, making one (in a 0600
// file) the first time. A key file other users can read is refused: the
// key opens every secret sealed to this host.
func LoadOrCreate(dir string) (Identity, error) {
	id, err := Load(dir)
	if !errors.Is(err, fs.ErrNotExist) {
		return id, err
	}
	if id, err = Generate(); err != nil {
		return Identity{}, err
	}
	text := fmt.Sprintf("# authwiz host key: opens the secrets shared stores sealed to this host.\n# public key: %s\n%s\n", id.Recipient(), id.key)
	if err := WritePrivate(filepath.Join(dir, IdentityFileName), []byte(text), true); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process made it first: use that one.
			return Load(dir)
		}
		return Identity{}, fmt.Errorf("save the host key: %w", err)
	}
	return id, nil
}

// Load reads the host's identity from dir; fs.ErrNotExist when there is
// none yet.
func Load(dir string) (Identity, error) {
	path := filepath.Join(dir, IdentityFileName)
	if _, err := os.Stat(path); err != nil {
		return Identity{}, fmt.Errorf("read the host key: %w", err)
	}
	if err := looseKey(path); err != nil {
		return Identity{}, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Identity{}, fmt.Errorf("read the host key: %w", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return Identity{}, fmt.Errorf("read the host key %s: %w", path, err)
	}
	key, ok := ids[0].(*age.X25519Identity)
	if !ok || len(ids) != 1 {
		return Identity{}, fmt.Errorf("the host key %s must hold exactly one X25519 key (AGE-SECRET-KEY-1…)", path)
	}
	return Identity{key: key}, nil
}

// WritePrivate writes data to path readable by its owner only, atomically:
// a reader, or a crash, sees the old file or the new one. With exclusive it
// fails with fs.ErrExist rather than replace a file that is there.
func WritePrivate(path string, data []byte, exclusive bool) error {
	return writePrivate(path, data, exclusive, true)
}

// WriteScratch is WritePrivate (replacing) without waiting for the disk:
// for copies a crash may lose, such as a cache, written on a hot path.
func WriteScratch(path string, data []byte) error {
	return writePrivate(path, data, false, false)
}

func writePrivate(path string, data []byte, exclusive, durable bool) error {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+strings.TrimPrefix(base, ".")+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = writeFile(f, data, durable)
	if err == nil && exclusive {
		// A hard link fails when path exists, so two processes racing to
		// make the file cannot both win.
		if err = os.Link(tmp, path); err == nil {
			os.Remove(tmp)
			return syncDir(dir)
		}
	} else if err == nil {
		if err = os.Rename(tmp, path); err == nil {
			if !durable {
				return nil
			}
			return syncDir(dir)
		}
	}
	os.Remove(tmp)
	return err
}

func writeFile(f *os.File, data []byte, durable bool) error {
	err := fileacl.MakeFilePrivate(f)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// looseKey refuses, with the fix, a host key someone other than the user
// may read: the rule of the configuration directory's secrets.
func looseKey(path string) error {
	msg, err := fileacl.ReadableByOthers(path)
	if err != nil {
		return fmt.Errorf("check who may read the host key %s: %w", path, err)
	}
	if msg != "" {
		return fmt.Errorf("the host key %s", msg)
	}
	return nil
}
