package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// midway is called between the writes of a command that changes both
// the profile store and shared.json, each under its own lock: a stop
// there (kill -9, a power cut) leaves the two out of step, and tests stop
// the process there to see that the next command mends or explains it.
var midway = func(step string) {}

// copyLink records old's shared grant under renamed too, the first of
// rename's three writes (record copied, profile renamed, old record
// dropped): wherever it stops, the profile, by either name, has its
// record and never reads as unshared. The copy names old, so that the
// rename run again knows it for its own and finishes.
func copyLink(root *rootOptions, old, renamed string) error {
	_, err := editLinks(root, func(links map[string]sharedLink) {
		_, l, _ := linkFor(links, old)
		l.Grant, l.RenamedFrom = l.key(old), old
		links[renamed] = l
	})
	return err
}

// dropCopy takes back copyLink's record under renamed, for a rename
// whose profile could not be renamed.
func dropCopy(root *rootOptions, renamed string) error {
	_, err := editLinks(root, func(links map[string]sharedLink) { delete(links, renamed) })
	return err
}

// settleRename is rename's last write: once the profile is called
// renamed, its record is the only one of the grant left by the rename.
func settleRename(root *rootOptions, old, renamed string) error {
	_, err := editLinks(root, func(links map[string]sharedLink) {
		l := links[renamed]
		dropRecords(links, old)
		l.RenamedFrom = ""
		links[renamed] = l
	})
	return err
}

// dropRecords removes name's record, and the copies of it a rename that
// stopped midway left under other names.
func dropRecords(links map[string]sharedLink, name string) {
	if stored, _, ok := linkFor(links, name); ok {
		delete(links, stored)
	}
	for other, l := range links {
		if l.copiedFrom(name) {
			delete(links, other)
		}
	}
}

// linksLockName is the lock every change to shared.json is made under, so
// that two authwiz processes changing it at once (share a, share b) both
// keep their change. It is a lock file of its own, not the profile
// store's: flock locks belong to an open file, so a change to the records
// made while this process holds the store's lock would wait on itself.
// The edits made under it take no other lock, so the two locks can never
// deadlock.
const linksLockName = sharedFileName + ".lock"

// editLinks changes this host's records of shared grants with edit and
// saves them, under their lock, never across a network call; it gives the
// config directory they are in.
func editLinks(root *rootOptions, edit func(links map[string]sharedLink)) (dir string, err error) {
	if dir, err = configDir(root); err != nil {
		return "", err
	}
	what := "the list of shared profiles " + filepath.Join(dir, sharedFileName)
	return dir, profile.WithLock(filepath.Join(dir, linksLockName), what, root.lockWait, func() error {
		links, err := loadShared(dir)
		if err != nil {
			return err
		}
		edit(links)
		return saveShared(dir, links)
	})
}

// forgetLink removes what this host keeps of name's shared grant: the
// record that it is shared, the journal and the token cache. The grant
// in the store is not touched, nor are the journal and cache while
// another record here still leads to the grant (a rename stopped midway
// leaves two).
func forgetLink(root *rootOptions, name string, l sharedLink) error {
	inUse := false
	dir, err := editLinks(root, func(links map[string]sharedLink) {
		dropRecords(links, name)
		for other, ol := range links {
			inUse = inUse || ol.sameGrant(other, l, name)
		}
	})
	if err != nil || inUse {
		return err
	}
	return dropHostCopies(dir, name, l)
}

// dropHostCopies removes this host's journal and cached token of name's
// grant as l records it.
func dropHostCopies(dir, name string, l sharedLink) error {
	id, err := seal.Load(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no key: this host never journaled or cached anything
	}
	if err != nil {
		return err
	}
	key := l.key(name)
	return errors.Join(grantstore.OpenJournal(dir, l.Store, id).Drop(key), grantstore.OpenCache(dir, l.Store, id).Drop(key))
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
	_, kept, err := grantstore.OpenJournal(dir, l.Store, id).Get(l.key(name))
	if err != nil || !kept {
		return err
	}
	return fmt.Errorf("this host's journal holds the last refresh of %q, which the shared store never saved: it is the only copy of the refresh token", name)
}

// sharedNameTaken refuses a profile made or renamed (by the wizard, new
// --no-input or rename) under a name this host still has a shared record
// of, left by a delete that kept it or by a hand edit: the profile would
// silently take that grant's place, and its own consent's tokens would
// never be used. The record is not dropped here, since the journal beside
// it may hold the only copy of the grant's refresh token: unshare
// --forget checks that.
func sharedNameTaken(root *rootOptions, name string) error {
	l, ok, err := sharedLinkOf(root, name)
	if err != nil || !ok {
		return err
	}
	return sharedNameRefused(root, name, l)
}

// sharedNameRefused is sharedNameTaken's refusal of name, recorded as l.
func sharedNameRefused(root *rootOptions, name string, l sharedLink) error {
	grant := l.key(name)
	if pendingAnswer(root, name, l) != nil {
		return fmt.Errorf("%s says %q is the shared grant %q in %s, and this host's journal holds its last refresh, which the store never saved: "+
			"the only copy of its refresh token. Make the profile under another name (NEW below), join that grant with `%s`, then run `%s`",
			sharedFileName, name, grant, l.where(), joinCommand("NEW", grant, l), profile.Program+" recover NEW")
	}
	return fmt.Errorf("%s still says %q is the shared grant %q in %s (its profile was deleted or renamed): a profile made under that name would use that grant, never its own consent. "+
		"Run `%s` first, which says how to join that grant again, or choose another name", sharedFileName, name, grant, l.where(), forgetCommand(name))
}

// forgetCommand drops this host's record of name's shared grant.
func forgetCommand(name string) string { return profile.Command("unshare --forget", name) }

// joinCommand links the profile called name on this host to the shared
// grant l records, with the hosts its secrets are sealed to: share seals
// what it writes to those given, so leaving one out would lock that host
// out of the grant.
func joinCommand(name, grant string, l sharedLink) string {
	args := []string{profile.Program, "share", profile.QuoteName(name), "--to", profile.QuoteName(l.where())}
	if grant != name {
		args = append(args, "--grant", profile.QuoteName(grant))
	}
	for _, k := range l.Refreshers {
		args = append(args, "--refresher", k)
	}
	for _, k := range l.Consumers {
		args = append(args, "--consumer", k)
	}
	if l.Consumer {
		args = append(args, "--consumer-only")
	}
	return strings.Join(args, " ")
}

// grantAnew is how a shared profile whose grant the store no longer holds
// gets one again: a consent made here once this host's record is dropped
// (login refuses a shared profile, and --reshare needs the grant to
// replace), then shared under the grant's name with the same hosts.
func grantAnew(name string, l sharedLink) string {
	return fmt.Sprintf("to consent again and put the new grant in for every host, run `%s`, `%s`, then `%s`",
		forgetCommand(name), profile.Command("login", name), joinCommand(name, l.key(name), l))
}
