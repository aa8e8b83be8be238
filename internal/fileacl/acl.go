// Package fileacl says who other than the user may read or change a file,
// and makes files private: mode bits on Unix, access control lists on
// Windows. It words no refusals of its own beyond "who may read it, and
// the command that fixes it": callers such as profile (the configuration
// directory) and seal (the host key) say what the finding means for them.
package fileacl

import "fmt"

// The modes of private files and directories: what Unix gives them, and
// what os is asked for when it creates them on Windows, where the access
// control list does the work (see MakePrivate).
const (
	FileMode = 0o600
	DirMode  = 0o700
)

// The Windows permission check reads a file's owner and access control list
// (DACL) and judges it here, in terms that need no Windows API, so that the
// rules are tested on every platform. acl_windows.go only reads the entries
// and writes the private ACL.

// Well-known SIDs the judgement trusts or treats specially.
const (
	sidSystem         = "S-1-5-18"     // LocalSystem: the OS itself
	sidAdministrators = "S-1-5-32-544" // BUILTIN\Administrators
	sidOwnerRights    = "S-1-3-4"      // OWNER RIGHTS: stands for the owner
	sidEveryone       = "S-1-1-0"
)

// Access mask bits of files and directories (winnt.h). A directory's
// FILE_ADD_FILE and FILE_ADD_SUBDIRECTORY share the bits of FILE_WRITE_DATA
// and FILE_APPEND_DATA, and FILE_LIST_DIRECTORY that of FILE_READ_DATA.
const (
	fileReadData    = 0x1
	fileWriteData   = 0x2
	fileAppendData  = 0x4
	fileDeleteChild = 0x40
	accessDelete    = 0x10000
	writeDAC        = 0x40000
	writeOwner      = 0x80000
	genericAll      = 0x10000000
	genericWrite    = 0x40000000
	genericRead     = 0x80000000

	// writeRights are those that let someone change what authwiz reads:
	// its content, its name (delete or rename it, or a directory's
	// entries), or who may do so (the ACL, the owner). Writing attributes
	// or extended attributes alone changes none of that.
	writeRights = fileWriteData | fileAppendData | fileDeleteChild | accessDelete | writeDAC | writeOwner
	// readRights are those that let someone read the content (or list a
	// directory).
	readRights = fileReadData
)

// aclEntry is one access control entry of a DACL.
type aclEntry struct {
	SID  string // "S-1-5-32-545"
	Deny bool   // an access-denied entry; otherwise access-allowed
	Mask uint32
	// InheritOnly: the entry is only passed on to what is created inside
	// a directory and does not apply to the directory itself.
	InheritOnly bool
}

// aclView is what the check needs to know of a file's security descriptor.
type aclView struct {
	Owner string
	// NullDACL: the file has no DACL at all, which lets everyone do
	// everything (an empty DACL, with no entries, lets no one do anything).
	NullDACL bool
	Entries  []aclEntry
}

// aclVerdict lists who other than the user, SYSTEM and the Administrators
// may do what with a file; all empty when it is private.
type aclVerdict struct {
	BadOwner bool     // Owner is someone else, who may always change the ACL
	Writers  []string // SIDs that may change it
	Readers  []string // SIDs that may read it, or grant themselves that
}

// trustedSID reports whether sid needs no watching: the user, the OS, and
// the Administrators, who can take over any file on the machine anyway
// (OpenSSH for Windows trusts the same three for its keys). OWNER RIGHTS
// stands for the owner, whom judgeACL checks on its own. The owner may be
// one of the three: an elevated shell creates files the Administrators
// own, and refusing them would give no one less power over the file.
func trustedSID(sid, user string) bool {
	return sid == user || sid == sidSystem || sid == sidAdministrators || sid == sidOwnerRights
}

// judgeACL says who may read or change a file with the security descriptor
// v, for the user whose SID is user. Windows checks entries in order and
// each right is settled by the first entry that names it, so a deny entry
// takes a right away only from the allow entries after it. A deny entry is
// counted only for its own SID or Everyone: a deny for a group cannot be
// said to cover an allow for another group without knowing who is in
// which, and assuming it does could hide a writer.
func judgeACL(v aclView, user string) aclVerdict {
	verdict := aclVerdict{BadOwner: v.Owner != user && v.Owner != sidSystem && v.Owner != sidAdministrators}
	if v.NullDACL {
		verdict.Writers = []string{sidEveryone}
		verdict.Readers = []string{sidEveryone}
		return verdict
	}
	denied := map[string]uint32{}
	for _, e := range v.Entries {
		if e.InheritOnly {
			continue
		}
		rights := specificRights(e.Mask)
		if e.Deny {
			denied[e.SID] |= rights
			continue
		}
		if trustedSID(e.SID, user) {
			continue
		}
		rights &^= denied[e.SID] | denied[sidEveryone]
		if rights&writeRights != 0 {
			verdict.Writers = appendOnce(verdict.Writers, e.SID)
		}
		// Whoever may change the ACL or take the file may read it too.
		if rights&(readRights|writeDAC|writeOwner) != 0 {
			verdict.Readers = appendOnce(verdict.Readers, e.SID)
		}
	}
	return verdict
}

// specificRights maps the generic rights of a mask onto the file rights
// they stand for, as the file system does when it checks access.
func specificRights(mask uint32) uint32 {
	if mask&genericAll != 0 {
		mask |= writeRights | readRights
	}
	if mask&genericWrite != 0 {
		mask |= fileWriteData | fileAppendData
	}
	if mask&genericRead != 0 {
		mask |= fileReadData
	}
	return mask
}

func appendOnce(sids []string, sid string) []string {
	for _, s := range sids {
		if s == sid {
			return sids
		}
	}
	return append(sids, sid)
}

// icaclsFix is the command that leaves path to the user, SYSTEM and the
// Administrators alone: it drops the inherited entries, grants the three
// full control (passed on to what a directory holds), and removes the
// entries of others, the SIDs that judgeACL named. SIDs, not names, so the
// command means the same in any language and domain.
func icaclsFix(path, user string, others []string, dir bool) string {
	inherit := ""
	if dir {
		inherit = "(OI)(CI)"
	}
	// Quoted by hand: %q would double the backslashes, and a Windows path
	// cannot hold a quote.
	cmd := fmt.Sprintf(`icacls "%s" /inheritance:r /grant:r`, path)
	for _, sid := range []string{user, sidSystem, sidAdministrators} {
		cmd += fmt.Sprintf(" \"*%s:%sF\"", sid, inherit)
	}
	if len(others) > 0 {
		cmd += " /remove:g"
		for _, sid := range others {
			cmd += fmt.Sprintf(" \"*%s\"", sid)
		}
	}
	return cmd
}
