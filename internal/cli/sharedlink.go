package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/seal"
)

// moveLink makes the record of old's shared grant that of new, with the
// grant's name in the store kept.
func moveLink(root *rootOptions, old, renamed string) error {
	dir, err := configDir(root)
	if err != nil {
		return err
	}
	links, err := loadShared(dir)
	if err != nil {
		return err
	}
	stored, l, _ := linkFor(links, old)
	l.Grant = l.key(old)
	delete(links, stored)
	links[renamed] = l
	return saveShared(dir, links)
}

// forgetLink removes what this host keeps of name's shared grant: the
// record that it is shared, the journal and the token cache. The grant
// in the store is not touched.
func forgetLink(root *rootOptions, name string, l sharedLink) error {
	dir, err := configDir(root)
	if err != nil {
		return err
	}
	links, err := loadShared(dir)
	if err != nil {
		return err
	}
	stored, _, _ := linkFor(links, name)
	delete(links, stored)
	if err := saveShared(dir, links); err != nil {
		return err
	}
	id, err := seal.Load(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no key: this host never journaled or cached anything
	}
	if err != nil {
		return err
	}
	return errors.Join(grantstore.OpenJournal(dir, id).Drop(l.key(name)), grantstore.OpenCache(dir, id).Drop(l.key(name)))
}

// pendingAnswer says when this host's journal holds a refresh answer of
// name's grant the store never saved: the only copy of its refresh token.
func pendingAnswer(root *rootOptions, name string, l sharedLink) error {
	dir, err := configDir(root)
	if err != nil {
		return err
	}
	id, err := seal.Load(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, kept, err := grantstore.OpenJournal(dir, id).Get(l.key(name))
	if err != nil || !kept {
		return err
	}
	return fmt.Errorf("this host's journal holds the last refresh of %q, which the shared store never saved: it is the only copy of the refresh token", name)
}
