package fileacl

import (
	"slices"
	"testing"
)

const (
	testUser  = "S-1-5-21-1004336348-1177238915-682003330-1001"
	otherUser = "S-1-5-21-1004336348-1177238915-682003330-1002"
	users     = "S-1-5-32-545"
	authUsers = "S-1-5-11"
	guests    = "S-1-5-32-546"

	// What icacls calls F, M and RX, as Explorer writes them.
	fullControl = 0x1f01ff
	modify      = 0x1301bf
	readExecute = 0x1200a9
)

// private is the DACL MakePrivate gives, and %AppData% passes on.
var private = []aclEntry{
	{SID: testUser, Mask: fullControl},
	{SID: sidSystem, Mask: fullControl},
	{SID: sidAdministrators, Mask: fullControl},
}

func withEntries(extra ...aclEntry) []aclEntry { return append(slices.Clone(private), extra...) }

func TestJudgeACL(t *testing.T) {
	for _, tc := range []struct {
		name             string
		view             aclView
		badOwner         bool
		writers, readers []string
	}{
		{name: "private to the user", view: aclView{Owner: testUser, Entries: private}},
		{name: "owned by the Administrators, as an elevated shell makes it", view: aclView{Owner: sidAdministrators, Entries: private}},
		{name: "owned by SYSTEM", view: aclView{Owner: sidSystem, Entries: private}},
		{name: "owned by another user", view: aclView{Owner: otherUser, Entries: private}, badOwner: true},
		{name: "owner unreadable", view: aclView{Entries: private}, badOwner: true},
		{name: "empty DACL: no one but the owner",
			view: aclView{Owner: testUser}},
		{name: "null DACL: everyone may do everything",
			view:    aclView{Owner: testUser, NullDACL: true},
			writers: []string{sidEveryone}, readers: []string{sidEveryone}},
		{name: "Users may read and run, as C:\\ passes on",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: readExecute})},
			readers: []string{users}},
		{name: "Authenticated Users may modify, as D:\\ passes on",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: authUsers, Mask: modify})},
			writers: []string{authUsers}, readers: []string{authUsers}},
		{name: "Everyone has generic all",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: sidEveryone, Mask: genericAll})},
			writers: []string{sidEveryone}, readers: []string{sidEveryone}},
		{name: "generic write alone",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: genericWrite})},
			writers: []string{users}},
		{name: "generic read alone",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: genericRead})},
			readers: []string{users}},
		{name: "append only (a directory's add subdirectory)",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: fileAppendData})},
			writers: []string{users}},
		{name: "delete child: may replace what a directory holds",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: fileDeleteChild})},
			writers: []string{users}},
		{name: "delete", view: aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: accessDelete})},
			writers: []string{users}},
		{name: "change permissions: may also grant itself read",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: writeDAC})},
			writers: []string{users}, readers: []string{users}},
		{name: "take ownership",
			view:    aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: writeOwner})},
			writers: []string{users}, readers: []string{users}},
		{name: "write attributes and extended attributes change no content",
			view: aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: users, Mask: 0x100 | 0x10 | 0x80 | 0x8 | 0x100000})}},
		{name: "inherit-only entries do not apply to the object itself",
			view: aclView{Owner: testUser, Entries: withEntries(
				aclEntry{SID: "S-1-3-0", Mask: genericAll, InheritOnly: true},
				aclEntry{SID: users, Mask: modify, InheritOnly: true})}},
		{name: "a deny before the allow takes the write away",
			view: aclView{Owner: testUser, Entries: []aclEntry{
				{SID: users, Deny: true, Mask: genericWrite | accessDelete | writeDAC | writeOwner | fileDeleteChild},
				{SID: testUser, Mask: fullControl}, {SID: users, Mask: modify}}},
			readers: []string{users}},
		{name: "a deny of everything for Everyone covers every group",
			view: aclView{Owner: testUser, Entries: []aclEntry{
				{SID: sidEveryone, Deny: true, Mask: fullControl},
				{SID: authUsers, Mask: modify}}}},
		{name: "a deny after the allow comes too late",
			view: aclView{Owner: testUser, Entries: withEntries(
				aclEntry{SID: users, Mask: modify},
				aclEntry{SID: users, Deny: true, Mask: fullControl})},
			writers: []string{users}, readers: []string{users}},
		{name: "a deny for another group does not cover this one",
			view: aclView{Owner: testUser, Entries: []aclEntry{
				{SID: guests, Deny: true, Mask: fullControl},
				{SID: testUser, Mask: fullControl}, {SID: users, Mask: modify}}},
			writers: []string{users}, readers: []string{users}},
		{name: "an inherit-only deny does not apply to the object either",
			view: aclView{Owner: testUser, Entries: []aclEntry{
				{SID: users, Deny: true, Mask: fullControl, InheritOnly: true},
				{SID: users, Mask: modify}}},
			writers: []string{users}, readers: []string{users}},
		{name: "OWNER RIGHTS stands for the owner",
			view: aclView{Owner: testUser, Entries: withEntries(aclEntry{SID: sidOwnerRights, Mask: fullControl})}},
		{name: "each SID is named once",
			view: aclView{Owner: testUser, Entries: withEntries(
				aclEntry{SID: users, Mask: fileWriteData}, aclEntry{SID: users, Mask: modify})},
			writers: []string{users}, readers: []string{users}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := judgeACL(tc.view, testUser)
			if got.BadOwner != tc.badOwner || !slices.Equal(got.Writers, tc.writers) || !slices.Equal(got.Readers, tc.readers) {
				t.Errorf("judgeACL = owner refused %v, writers %v, readers %v; want %v, %v, %v",
					got.BadOwner, got.Writers, got.Readers, tc.badOwner, tc.writers, tc.readers)
			}
		})
	}
}

func TestIcaclsFix(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   string
		others []string
		dir    bool
		want   string
	}{
		{"a directory", `D:\authwiz`, []string{authUsers, users}, true,
			`icacls "D:\authwiz" /inheritance:r /grant:r "*` + testUser + `:(OI)(CI)F" "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" /remove:g "*S-1-5-11" "*S-1-5-32-545"`},
		{"a file", `C:\shared\authwiz\secrets.toml`, []string{users}, false,
			`icacls "C:\shared\authwiz\secrets.toml" /inheritance:r /grant:r "*` + testUser + `:F" "*S-1-5-18:F" "*S-1-5-32-544:F" /remove:g "*S-1-5-32-545"`},
		{"no one to remove", `C:\a b\host-key.txt`, nil, false,
			`icacls "C:\a b\host-key.txt" /inheritance:r /grant:r "*` + testUser + `:F" "*S-1-5-18:F" "*S-1-5-32-544:F"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := icaclsFix(tc.path, testUser, tc.others, tc.dir); got != tc.want {
				t.Errorf("icaclsFix =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// FuzzJudgeACL checks that judgeACL never panics on odd masks and SIDs,
// never names the user, SYSTEM or the Administrators, names only SIDs
// that an entry (or a null DACL, Everyone) put there, and that adding
// the same entries again after the first ones changes nothing.
func FuzzJudgeACL(f *testing.F) {
	f.Add(testUser, users, uint32(modify), false, false, authUsers, uint32(genericAll), true, false)
	f.Add(otherUser, sidEveryone, uint32(fullControl), true, false, users, uint32(genericWrite), false, false)
	f.Add("", "", uint32(0xffffffff), false, true, "not a SID", uint32(0), true, true)
	f.Fuzz(func(t *testing.T, owner, sid1 string, mask1 uint32, deny1, inherit1 bool, sid2 string, mask2 uint32, deny2, inherit2 bool) {
		entries := withEntries(
			aclEntry{SID: sid1, Mask: mask1, Deny: deny1, InheritOnly: inherit1},
			aclEntry{SID: sid2, Mask: mask2, Deny: deny2, InheritOnly: inherit2})
		got := judgeACL(aclView{Owner: owner, Entries: entries}, testUser)
		for _, sid := range append(slices.Clone(got.Writers), got.Readers...) {
			if trustedSID(sid, testUser) {
				t.Fatalf("judgeACL named %s, who is trusted", sid)
			}
			if sid != sid1 && sid != sid2 {
				t.Fatalf("judgeACL named %s, which no entry grants anything", sid)
			}
		}
		again := judgeACL(aclView{Owner: owner, Entries: append(entries, entries...)}, testUser)
		if !slices.Equal(again.Writers, got.Writers) || !slices.Equal(again.Readers, got.Readers) {
			t.Fatalf("repeating the entries changed the verdict: %+v, then %+v", got, again)
		}
	})
}
