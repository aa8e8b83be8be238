package grantstore_test

import (
	"testing"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/profile"
)

func TestFileStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		files, err := profile.Open(t.TempDir(), profile.WithSecretStorage(profile.StorageFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := files.Create(storetest.Profile("conf"), storetest.Fresh()); err != nil {
			t.Fatal(err)
		}
		return storetest.Harness{Store: grantstore.File(files), Name: "conf"}
	})
}

func TestFileStoreProtocol(t *testing.T) { storetest.RunProtocol(t, fileStore) }

// fileStore is a file store holding the grant p.Name with sec in it.
func fileStore(t *testing.T, p profile.Profile, sec profile.Secrets) grantstore.Store {
	files, err := profile.Open(t.TempDir(), profile.WithSecretStorage(profile.StorageFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := files.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	return grantstore.File(files)
}
