package seal

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/authwiz/authwiz/internal/profile"
)

// looseKey refuses, with the fix, a host key that the access control list
// lets someone other than the user, SYSTEM and the Administrators read:
// the rule of the configuration directory's secrets (see profile).
func looseKey(path string, _ fs.FileInfo) error {
	msg, err := profile.ReadableByOthers(path)
	if err != nil {
		return fmt.Errorf("check who may read the host key %s: %w", path, err)
	}
	if msg != "" {
		return fmt.Errorf("the host key %s", msg)
	}
	return nil
}

// makePrivate gives a file being written an access control list of its
// own for the user, SYSTEM and the Administrators, before anything is
// written into it; by inheritance it would get whatever its directory
// passes on.
func makePrivate(f *os.File) error { return profile.MakePrivate(f.Name()) }
