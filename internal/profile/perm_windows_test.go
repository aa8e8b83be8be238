package profile

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/authwiz/authwiz/internal/fileacl"
)

// setACL replaces path's DACL by the one sddl describes, protected from
// what its directory passes on. %u stands for the user's SID.
func setACL(t *testing.T, path, sddl string) {
	t.Helper()
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.SecurityDescriptorFromString(strings.ReplaceAll(sddl, "%u", user.User.Sid.String()))
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
}

func wantPrivate(t *testing.T, path string) {
	t.Helper()
	got, err := fileacl.ReadAccess(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.BadOwner || len(got.Writers)+len(got.Readers) != 0 {
		t.Errorf("%s is not private: %+v", path, got)
	}
}

// A directory authwiz creates, and what it writes there, are private even
// where the parent lets every user read what it holds.
func TestCreatedPrivateOnWindows(t *testing.T) {
	parent := t.TempDir()
	setACL(t, parent, "D:P(A;OICI;FA;;;%u)(A;OICI;0x1200a9;;;BU)")
	dir := filepath.Join(parent, "authwiz")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, s.path(settingsFileName), s.path(secretsFileName)} {
		wantPrivate(t, path)
	}
}

func TestChangeableConfigDirRefusedOnWindows(t *testing.T) {
	s := savedStore(t)
	setACL(t, s.Dir(), "D:P(A;OICI;FA;;;%u)(A;OICI;0x1301bf;;;AU)")
	_, err := Open(s.Dir())
	var ue *UnsafeError
	if !errors.As(err, &ue) || ue.Path != s.Dir() || !strings.Contains(err.Error(), `icacls "`+s.Dir()+`"`) ||
		!strings.Contains(err.Error(), `/remove:g "*S-1-5-11"`) {
		t.Fatalf("want the directory refused with the icacls fix, got %v", err)
	}
}

func TestReadableBackupMadePrivateOnWindows(t *testing.T) {
	s := savedStore(t)
	backup := s.path(secretsFileName + backupSuffix)
	setACL(t, backup, "D:P(A;;FA;;;%u)(A;;0x1200a9;;;BU)")
	reopened, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if w := reopened.Warnings(); len(w) != 1 || !strings.Contains(w[0], backup) || !strings.Contains(w[0], "S-1-5-32-545") {
		t.Fatalf("a backup Users may read must be reported, got %q", w)
	}
	p, sec := fullProfile()
	sec.RefreshToken = "refresh-3"
	if err := reopened.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	for _, path := range backupsOf(s.path(secretsFileName)) {
		wantPrivate(t, path)
	}
}

func TestReadableSecretsRefusedOnWindows(t *testing.T) {
	s := savedStore(t)
	setACL(t, s.path(secretsFileName), "D:P(A;;FA;;;%u)(A;;FR;;;WD)")
	p, _ := fullProfile()
	if _, _, err := s.Get(p.Name); err == nil || !strings.Contains(err.Error(), "icacls") {
		t.Fatalf("want secrets Everyone may read refused with the icacls fix, got %v", err)
	}
}
