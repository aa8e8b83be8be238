package profile

import (
	"errors"
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
