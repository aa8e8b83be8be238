package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// sharedReads reads shared grants for one run of list or status. This
// host's records are read once, and each store is connected to once:
// profiles sharing a store that is down get its first failure at once,
// instead of each waiting out its own connect.
type sharedReads struct {
	root *rootOptions
	// links reads this host's records the first time it is called.
	links  func() (map[string]sharedLink, error)
	stores map[string]*storeRead
}

// storeRead is one store as this run found it: open, or why not.
type storeRead struct {
	store *pgstore.Store
	err   error
}

func newSharedReads(root *rootOptions) *sharedReads {
	links := sync.OnceValues(func() (map[string]sharedLink, error) {
		dir, err := configDir(root)
		if err != nil {
			return nil, err
		}
		return loadShared(dir)
	})
	return &sharedReads{root: root, links: links, stores: map[string]*storeRead{}}
}

// close closes the connections the run opened.
func (r *sharedReads) close() {
	for _, s := range r.stores {
		if s.store != nil {
			s.store.Close()
		}
	}
}

// linkOf is sharedLinkOf for this run, from the records read once.
func (r *sharedReads) linkOf(name string) (sharedLink, bool, error) {
	links, err := r.links()
	if err != nil {
		return sharedLink{}, false, err
	}
	_, l, ok := linkFor(links, name)
	return l, ok, nil
}

// entry reads name's grant from its store when it is shared; nil when it
// is not. It never refreshes. held: the profile holds a refresh token on
// this host.
func (r *sharedReads) entry(ctx context.Context, name string, held bool) *sharedEntry {
	l, ok, err := r.linkOf(name)
	e := linkEntry(name, l, ok, err)
	if e == nil || e.State == "unreadable" {
		return e
	}
	limit := pgstore.ConnectTimeout
	if r.root.timeout > 0 {
		limit = r.root.timeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	s := r.stores[l.Store]
	if s == nil {
		s = &storeRead{}
		// No prompt: list and status read what they can and say the rest.
		s.store, s.err = r.open(ctx, l)
		r.stores[l.Store] = s
	}
	if s.err != nil {
		e.State, e.Problem = "unreachable", s.err.Error()
		return e
	}
	snap, err := s.store.Read(ctx, l.key(name))
	switch {
	case errors.Is(err, grantstore.ErrUnreachable):
		e.State, e.Problem = "unreachable", err.Error()
		s.err = err
		return e
	case errors.Is(err, grantstore.ErrNotFound) && held:
		e.State, e.Problem = "missing", heldHere(name, l, true)
		return e
	case errors.Is(err, grantstore.ErrNotFound):
		e.State, e.Problem = "missing", fmt.Sprintf("the shared store holds no grant %q any more: remove this profile with `%s`, or %s",
			l.key(name), profile.Command("delete", name), grantAnew(name, l))
		return e
	case err != nil:
		e.State, e.Problem = "unreadable", err.Error()
		return e
	}
	e.read = true
	e.Generation, e.State = snap.Generation, string(snap.State)
	e.AccessSecondsLeft = int64(max(snap.TimeLeft(), 0) / time.Second)
	if !snap.StateSince.IsZero() {
		e.StateSince = &snap.StateSince
	}
	if h := snap.Holder; h != nil {
		e.Claim = &claimEntry{Host: h.Host, Fence: h.Fence, Since: h.Since, Until: h.Until}
	}
	switch snap.State {
	case grantstore.Uncertain:
		e.Problem = fmt.Sprintf("shared grant uncertain: run `%s` on the host that refreshed last, or consent again with `%s`",
			profile.Command("recover", name), grantstore.ReshareCommand(name))
	case grantstore.Rejected:
		e.Problem = fmt.Sprintf("shared refresh token rejected: consent again for every host with `%s`", grantstore.ReshareCommand(name))
	case grantstore.Moved:
		if held {
			e.Problem = heldHere(name, l, false)
			break
		}
		e.Problem = fmt.Sprintf("the grant was moved back to one host with `%s` and the store holds no token of it: remove this profile with `%s`",
			profile.Command("unshare", name), profile.Command("delete", name))
	}
	return e
}

// open connects to l's store as this host, with no prompt. Unlike share,
// it never makes a host key: list and status change nothing, and a new
// key opens nothing the store holds.
func (r *sharedReads) open(ctx context.Context, l sharedLink) (*pgstore.Store, error) {
	dir, err := configDir(r.root)
	if err != nil {
		return nil, err
	}
	id, err := seal.Load(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("this host has no key (%s) to open the secrets in %s with: put it back from a backup, or make one with `authwiz share --host-key` and have a host that shares the grant add it with `authwiz share NAME --to … --refresher KEY`",
			filepath.Join(dir, seal.IdentityFileName), l.where())
	}
	if err != nil {
		return nil, err
	}
	return connectShared(ctx, Streams{}, l, id)
}
