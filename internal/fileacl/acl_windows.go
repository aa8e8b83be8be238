package fileacl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// readACL reads path's owner and DACL for judgeACL.
func readACL(path string) (aclView, error) {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return aclView{}, fmt.Errorf("read the access control list of %s: %w", path, err)
	}
	if sd == nil { // a file system without security, such as FAT
		return aclView{NullDACL: true}, nil
	}
	var v aclView
	if owner, _, err := sd.Owner(); err == nil && owner != nil {
		v.Owner = owner.String()
	}
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) || err == nil && dacl == nil {
		v.NullDACL = true
		return v, nil
	}
	if err != nil {
		return aclView{}, fmt.Errorf("read the access control list of %s: %w", path, err)
	}
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return aclView{}, fmt.Errorf("read the access control list of %s: %w", path, err)
		}
		if e, ok := entryOf(ace); ok {
			v.Entries = append(v.Entries, e)
		}
	}
	return v, nil
}

// Entry types (winnt.h) beyond the two windows names. Callback entries
// carry a condition after the SID and are laid out otherwise like the
// plain ones; object entries put GUIDs before the SID.
const (
	accessDeniedObjectACE         = 0x6
	accessAllowedCallbackACE      = 0x9
	accessDeniedCallbackACE       = 0xA
	accessDeniedCallbackObjectACE = 0xC
)

// entryOf reads an entry of a DACL. A conditional allow counts as an
// allow; a conditional deny, or one of a layout files do not use, not at
// all, since it may not apply. Any other entry, which files do not use
// either, is taken as granting everything to everyone, so that it refuses
// rather than hides.
func entryOf(ace *windows.ACCESS_ALLOWED_ACE) (aclEntry, bool) {
	e := aclEntry{InheritOnly: ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0, Mask: uint32(ace.Mask)}
	switch ace.Header.AceType {
	case windows.ACCESS_ALLOWED_ACE_TYPE, accessAllowedCallbackACE:
	case windows.ACCESS_DENIED_ACE_TYPE:
		e.Deny = true
	case accessDeniedObjectACE, accessDeniedCallbackACE, accessDeniedCallbackObjectACE:
		return aclEntry{}, false
	default:
		return aclEntry{SID: sidEveryone, Mask: genericAll, InheritOnly: e.InheritOnly}, true
	}
	e.SID = (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
	return e, true
}

// userSID is the SID of the user running authwiz, "" when it cannot be
// read (then nothing is trusted as the user's and every file is refused).
var userSID = sync.OnceValue(func() string {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return ""
	}
	return u.User.Sid.String()
})

// sidName names a SID for a message: `BUILTIN\Users (S-1-5-32-545)`, or
// the SID alone when it has no name here.
func sidName(sid string) string {
	if sid == "" {
		return "an owner Windows did not say"
	}
	s, err := windows.StringToSid(sid)
	if err != nil {
		return sid
	}
	account, domain, _, err := s.LookupAccount("")
	if err != nil {
		return sid
	}
	if domain != "" {
		account = domain + `\` + account
	}
	return fmt.Sprintf("%s (%s)", account, sid)
}

// Names names sids for a message, as Access lists them: `BUILTIN\Users
// (S-1-5-32-545), Everyone (S-1-1-0)`.
func Names(sids []string) string {
	names := make([]string, len(sids))
	for i, sid := range sids {
		names[i] = sidName(sid)
	}
	return strings.Join(names, ", ")
}

// Access is who other than the user, SYSTEM and the Administrators may
// change or read a file, as its owner and access control list say (see
// judgeACL), with the commands that take it back: what a caller needs to
// word its own refusal (profile's UnsafeError).
type Access struct {
	path, user, owner string
	dir               bool
	// BadOwner: the owner is someone else, who may always change the ACL.
	BadOwner bool
	// Writers are the SIDs that may change the file, Readers those that
	// may read it or grant themselves that (see Names).
	Writers, Readers []string
}

// ReadAccess reads who may read or change path; dir: it is a directory,
// whose fix passes the private ACL on to what it holds.
func ReadAccess(path string, dir bool) (Access, error) {
	v, err := readACL(path)
	if err != nil {
		return Access{}, err
	}
	user := userSID()
	verdict := judgeACL(v, user)
	return Access{path: path, user: user, owner: v.Owner, dir: dir,
		BadOwner: verdict.BadOwner, Writers: verdict.Writers, Readers: verdict.Readers}, nil
}

// Owner names the file's owner, for the message that refuses a BadOwner.
func (a Access) Owner() string { return sidName(a.owner) }

// You names the user running authwiz, for the same message.
func (a Access) You() string { return sidName(a.user) }

// OwnerFix is the command that gives the file back to the user.
func (a Access) OwnerFix() string {
	return fmt.Sprintf(`icacls "%s" /setowner "*%s" (from a command prompt run as administrator)`, a.path, a.user)
}

// Fix is the command that leaves the file to the user, SYSTEM and the
// Administrators, removing others (its Writers or Readers).
func (a Access) Fix(others []string) string { return icaclsFix(a.path, a.user, others, a.dir) }

// ReadableByOthers says, with the command that fixes it, when someone
// other than the user, SYSTEM and the Administrators may read path: "" when
// no one may or path is missing. For files that hold secrets, which callers
// refuse rather than use (profile's secrets file, seal's host key).
func ReadableByOthers(path string) (string, error) {
	a, err := ReadAccess(path, false)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(a.Readers) == 0 {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s can be read by %s; fix it with: %s", path, Names(a.Readers), a.Fix(a.Readers)), nil
}

// MakePrivate gives path a DACL of its own, not inherited, that lets in
// only the user, SYSTEM and the Administrators: the Windows form of
// chmod 600 (and 700, passed on to what a directory will hold), for the
// files callers find others may read and take back (see profile's tighten).
func MakePrivate(path string) error {
	sd, err := privateDescriptor()
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}

// MakeFilePrivate is MakePrivate for a file being written (the atomic
// writes of profile and seal), by its name: os opens files without the
// right to change their ACL. The file is private before authwiz writes
// anything into it, but whoever the directory let read it could have
// opened it in the moment between.
func MakeFilePrivate(f *os.File) error { return MakePrivate(f.Name()) }

// MkdirPrivate makes dir, and its missing parents, with the new directory
// itself private from its first moment (see MakePrivate), so that what
// authwiz writes in it inherits that: the configuration directory and its
// refresh directory. A directory that is already there is left as it is:
// profile's check on opening judges it.
func MkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return os.MkdirAll(dir, DirMode) // nil, or that it is not a directory
	}
	if err := os.MkdirAll(filepath.Dir(dir), DirMode); err != nil {
		return err
	}
	sd, err := privateDescriptor()
	if err != nil {
		return err
	}
	name, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	sa := windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}
	if err := windows.CreateDirectory(name, &sa); err != nil && !errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		return &os.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// privateDescriptor is the security descriptor of MakePrivate: full control
// for the user, SYSTEM and the Administrators, passed on to files and
// directories created inside, and nothing inherited from above (P).
func privateDescriptor() (*windows.SECURITY_DESCRIPTOR, error) {
	user := userSID()
	if user == "" {
		return nil, errors.New("cannot tell which user is running authwiz, to make its files private")
	}
	return windows.SecurityDescriptorFromString(fmt.Sprintf("D:P(A;OICI;FA;;;%s)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", user))
}
