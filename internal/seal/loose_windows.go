package seal

import (
	"fmt"
	"io/fs"

	"github.com/authwiz/authwiz/internal/fileacl"
)

// looseKey refuses, with the fix, a host key that the access control list
// lets someone other than the user, SYSTEM and the Administrators read:
// the rule of the configuration directory's secrets (see fileacl.ReadableByOthers).
func looseKey(path string, _ fs.FileInfo) error {
	msg, err := fileacl.ReadableByOthers(path)
	if err != nil {
		return fmt.Errorf("check who may read the host key %s: %w", path, err)
	}
	if msg != "" {
		return fmt.Errorf("the host key %s", msg)
	}
	return nil
}
