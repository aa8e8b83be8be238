package seal_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/authwiz/authwiz/internal/fileacl"
	"github.com/authwiz/authwiz/internal/seal"
)

func TestLoadRefusesAKeyOthersCanReadOnWindows(t *testing.T) {
	dir := t.TempDir()
	if _, err := seal.LoadOrCreate(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, seal.IdentityFileName)
	if msg, err := fileacl.ReadableByOthers(path); err != nil || msg != "" {
		t.Fatalf("a new host key must be private: %q, %v", msg, err)
	}
	// Everyone may read it.
	sd, err := windows.SecurityDescriptorFromString("D:(A;;FR;;;WD)")
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.Load(dir); err == nil || !strings.Contains(err.Error(), "icacls") {
		t.Fatalf("Load of a key Everyone may read = %v, want a refusal naming the fix", err)
	}
}
