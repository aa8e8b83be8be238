//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/seal"
)

// Whoever may rewrite shared.json may add a key the secrets are then
// sealed to, and whoever may rewrite the host key or the journal may read
// or plant a refresh token: these files beside the profile store are
// refused as the store's own are.
func TestFilesBesideTheStoreAreCheckedToo(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  bool
	}{
		{sharedFileName, false},
		{seal.IdentityFileName, false},
		{grantstore.JournalDirName, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.create("p")
			path := filepath.Join(w.dir, tc.name)
			var err error
			if tc.dir {
				err = os.Mkdir(path, 0o700)
			} else {
				err = os.WriteFile(path, []byte("{}\n"), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o777); err != nil {
				t.Fatal(err)
			}
			r := w.run("", nil, "list")
			if r.code != ExitError || !strings.Contains(r.stderr, "refusing to use "+path) ||
				!strings.Contains(r.stderr, `chmod go-w "`+path+`"`) {
				t.Fatalf("a %s anyone may change was not refused: exit %d\n%s", tc.name, r.code, r.stderr)
			}
		})
	}
}
