package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// sharedFileName lists, in the config directory, the profiles whose grant
// lives in a shared store, with who the secrets are sealed to. It is this
// host's own word on recipients: never taken from the database.
const sharedFileName = "shared.json"

// sharedLink is where one profile's grant lives, as this host knows it.
type sharedLink struct {
	// Store is the database's address, never with a password.
	Store string `json:"store"`
	// Refreshers and Consumers are the hosts' public keys (age1…) the
	// refresh token and client secret, or the access token only, are
	// sealed to when this host writes them.
	Refreshers []string `json:"refreshers"`
	Consumers  []string `json:"consumers,omitempty"`
	// Consumer: this host only reads the access token.
	Consumer bool `json:"consumer,omitempty"`
	// Grant is the grant's name in the store when the profile here has
	// another: rename renames the profile on this host only, since every
	// other host finds the grant by the name it was shared under.
	Grant string `json:"grant,omitempty"`
	// RenamedFrom marks a record rename has copied from the profile of
	// that name and not yet made the only one: a rename that stopped
	// midway leaves it, and running the rename again finishes it.
	RenamedFrom string `json:"renamed_from,omitempty"`
}

// copiedFrom: l is the copy of name's record that a rename of name left.
func (l sharedLink) copiedFrom(name string) bool {
	return l.RenamedFrom != "" && nameMatches(l.RenamedFrom, name)
}

// key is the name the store, the journal and the cache know the grant of
// the profile called name by.
func (l sharedLink) key(name string) string {
	if l.Grant != "" {
		return l.Grant
	}
	return name
}

// sameGrant: l and other, the records of the profiles called name and
// otherName, lead to one grant.
func (l sharedLink) sameGrant(name string, other sharedLink, otherName string) bool {
	return l.Store == other.Store && l.key(name) == other.key(otherName)
}

func (l sharedLink) role() string {
	if l.Consumer {
		return "consumer"
	}
	return "refresher"
}

// where is the store's address as output shows it: a password a
// hand-edited shared.json may hold is masked.
func (l sharedLink) where() string {
	u, err := url.Parse(l.Store)
	if err != nil {
		return "an unreadable address in " + sharedFileName
	}
	return u.Redacted()
}

func loadShared(dir string) (map[string]sharedLink, error) {
	links := map[string]sharedLink{}
	data, err := os.ReadFile(filepath.Join(dir, sharedFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return links, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &links)
	}
	if err != nil {
		return nil, fmt.Errorf("read the list of shared profiles %s: %w", filepath.Join(dir, sharedFileName), err)
	}
	return links, nil
}

func saveShared(dir string, links map[string]sharedLink) error {
	data, err := json.MarshalIndent(links, "", "  ")
	if err != nil {
		return err
	}
	if err := seal.WritePrivate(filepath.Join(dir, sharedFileName), append(data, '\n'), false); err != nil {
		return fmt.Errorf("save the list of shared profiles: %w", err)
	}
	return nil
}

// sharedLinkOf is where name's grant lives when it is shared.
func sharedLinkOf(root *rootOptions, name string) (sharedLink, bool, error) {
	dir, err := configDir(root)
	if err != nil {
		return sharedLink{}, false, err
	}
	links, err := loadShared(dir)
	if err != nil {
		return sharedLink{}, false, err
	}
	_, l, ok := linkFor(links, name)
	return l, ok, nil
}

// linkFor finds name's record the way profiles compare names: without
// regard to case or surrounding spaces, so a record is not missed (and the
// profile read as unshared) when its spelling differs from the
// profile's. The record keeps the spelling it is stored under, which is
// the grant's name in the store unless Grant says otherwise; the link
// returned names it in Grant when it differs from name.
func linkFor(links map[string]sharedLink, name string) (stored string, l sharedLink, ok bool) {
	if l, ok := links[name]; ok {
		return name, l, true
	}
	for _, stored := range slices.Sorted(maps.Keys(links)) {
		if nameMatches(stored, name) {
			l := links[stored]
			if l.Grant == "" {
				l.Grant = stored
			}
			return stored, l, true
		}
	}
	return "", sharedLink{}, false
}

// openShared connects to l's store as this host. The password comes from
// PGPASSWORD or a PGPASSFILE, else from a prompt when there is a terminal.
func openShared(ctx context.Context, root *rootOptions, streams Streams, l sharedLink) (*pgstore.Store, seal.Identity, error) {
	dir, err := configDir(root)
	if err != nil {
		return nil, seal.Identity{}, err
	}
	id, err := seal.LoadOrCreate(dir)
	if err != nil {
		return nil, id, err
	}
	s, err := connectShared(ctx, streams, l, id)
	return s, id, err
}

// connectShared connects to l's store as the host id.
func connectShared(ctx context.Context, streams Streams, l sharedLink, id seal.Identity) (*pgstore.Store, error) {
	var opts []pgstore.Option
	if pgstore.NeedsPassword(l.Store) {
		if f, ok := streams.In.(*os.File); ok && term.IsTerminal(f.Fd()) {
			fmt.Fprintf(streams.Err, "Password for %s (or set PGPASSWORD, or use ~/.pgpass): ", l.Store)
			pw, err := term.ReadPassword(f.Fd())
			fmt.Fprintln(streams.Err)
			if err != nil {
				return nil, fmt.Errorf("read the database password: %w", err)
			}
			opts = append(opts, pgstore.WithPassword(string(pw)))
		}
	}
	return pgstore.Open(ctx, l.Store, id, pgstore.Recipients{Refreshers: l.Refreshers, Consumers: l.Consumers}, opts...)
}

// sharedSource runs the refresh protocol for p's shared grant on this
// host, with this host's settings of p.
func sharedSource(ctx context.Context, root *rootOptions, streams Streams, p profile.Profile, l sharedLink) (*grantstore.Source, func(), error) {
	dir, err := configDir(root)
	if err != nil {
		return nil, nil, err
	}
	store, id, err := openShared(ctx, root, streams, l)
	if err != nil {
		return nil, nil, err
	}
	src := &grantstore.Source{Store: store, Name: p.Name, Grant: l.key(p.Name), Settings: p, Consumer: l.Consumer,
		Host:    claimant(""),
		Journal: grantstore.OpenJournal(dir, l.Store, id), Cache: grantstore.OpenCache(dir, l.Store, id),
		HTTP: root.httpClient(), Timeout: root.timeout, Now: root.now,
		Warn: func(msg string) { warn(streams, msg) }}
	return src, store.Close, nil
}

// claimant is this process as a claim on a shared grant names it, which
// status shows on every host: this host, the PID, and what the claim is
// for when it is not a refresh.
func claimant(doing string) string {
	host, _ := os.Hostname()
	if doing == "" {
		return fmt.Sprintf("%s (PID %d)", host, os.Getpid())
	}
	return fmt.Sprintf("%s (PID %d, %s)", host, os.Getpid(), doing)
}

// runSharedToken is `authwiz token` for a profile whose grant is shared.
func runSharedToken(ctx context.Context, root *rootOptions, streams Streams, p profile.Profile, l sharedLink) error {
	src, closeStore, err := sharedSource(ctx, root, streams, p, l)
	if err != nil {
		return err
	}
	defer closeStore()
	tok, err := src.Token(ctx)
	if err != nil {
		return sharedFailure(err, p, l)
	}
	return printToken(streams, target{Name: p.Name}, tok.AccessToken)
}

// sharedFailure marks the failures only the admin can mend, and says
// what to do about a grant deleted from the store, or left by a share or
// unshare of p that stopped midway.
func sharedFailure(err error, p profile.Profile, l sharedLink) error {
	name := p.Name
	switch {
	case p.Tokens.HasRefresh && errors.Is(err, grantstore.ErrNotFound):
		return attentionError{fmt.Errorf("%w: %s", grantstore.ErrNotFound, heldHere(name, l, true))}
	case p.Tokens.HasRefresh && errors.Is(err, grantstore.ErrMoved):
		return attentionError{fmt.Errorf("%w: %s", grantstore.ErrMoved, heldHere(name, l, false))}
	case errors.Is(err, grantstore.ErrNotFound):
		return attentionError{fmt.Errorf("%w; it was deleted there: remove this host's profile with `%s`, or %s",
			err, profile.Command("delete", name), grantAnew(name, l))}
	case errors.Is(err, grantstore.ErrUncertain), errors.Is(err, grantstore.ErrRejected), errors.Is(err, grantstore.ErrMoved),
		errors.Is(err, grantstore.ErrNothingToRecover), errors.Is(err, grantstore.ErrAnswerOutdated):
		return attentionError{err}
	}
	return err
}

// heldHere says what to do when the store holds no token of name's shared
// grant (gone: no grant at all; else it is marked moved) while this
// host's profile holds a refresh token: a share or unshare here stopped
// between its writes, and the copy here is the grant. Deleting the
// profile, the advice for another host, would lose it.
func heldHere(name string, l sharedLink, gone bool) string {
	grant, join := l.key(name), joinCommand(name, l.key(name), l)
	if gone {
		return fmt.Sprintf("the shared store holds no grant %q yet, and this host's profile %q still holds its tokens: its share stopped midway. "+
			"Run `%s` to finish it", grant, name, join)
	}
	return fmt.Sprintf("the shared store marks the grant %q moved to one host, and this host's profile %q holds its tokens: an unshare or share here stopped midway. "+
		"Run `%s` to keep the grant on this host alone, or `%s` to share it again", grant, name, profile.Command("unshare", name), join)
}

// sharedEntry is where a shared profile's grant lives and how it is, as
// list and status show it (JSON too). It never holds a secret.
type sharedEntry struct {
	Store string `json:"store"`
	// Grant is the grant's name in the store, when the profile here was
	// renamed after sharing.
	Grant      string `json:"grant,omitempty"`
	Role       string `json:"role"`
	Generation int64  `json:"generation,omitempty"`
	// State is ok, uncertain, rejected or moved; unreachable when the
	// store could not be read, missing when it holds no such grant;
	// not_checked from show, which reads files only.
	State      string     `json:"state"`
	StateSince *time.Time `json:"state_since,omitempty"`
	// AccessSecondsLeft is the access token's time left by the store's clock.
	AccessSecondsLeft int64       `json:"access_token_seconds_left"`
	Claim             *claimEntry `json:"claim,omitempty"`
	Problem           string      `json:"problem,omitempty"`
	// TokensOnThisHost is always false: said outright, since a local
	// profile without tokens otherwise reads as needing consent.
	TokensOnThisHost bool `json:"tokens_on_this_host"`
	// read: the store answered, so the fields above are its.
	read bool
}

type claimEntry struct {
	Host  string    `json:"host"`
	Fence int64     `json:"fence"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// linkEntry is where name's grant lives by this host's records alone (l,
// ok and err as sharedLinkOf gives them), without reading the store; nil
// when it is not shared.
func linkEntry(name string, l sharedLink, ok bool, err error) *sharedEntry {
	switch {
	case err != nil:
		return &sharedEntry{State: "unreadable", Problem: err.Error()}
	case !ok:
		return nil
	}
	e := &sharedEntry{Store: l.where(), Role: l.role(), State: "not_checked"}
	if l.key(name) != name {
		e.Grant = l.key(name)
	}
	return e
}

// tokenState is the entry's token column for a shared grant.
func (e *sharedEntry) tokenState() tokenEntry {
	switch {
	case !e.read:
		return tokenEntry{Health: "unknown", State: "shared, store " + e.State}
	case e.State != string(grantstore.Usable):
		return tokenEntry{Health: healthNames[profile.NeedsConsent], State: "shared, " + e.State}
	case e.AccessSecondsLeft > 0:
		return tokenEntry{Health: healthNames[profile.Healthy], State: "shared, valid for " + profile.RoughDuration(time.Duration(e.AccessSecondsLeft)*time.Second)}
	}
	return tokenEntry{Health: healthNames[profile.Healthy], State: "shared, renewed on the next use"}
}

// withShared is e as list shows it, with its shared grant when it has one.
// held: the profile holds a refresh token on this host.
func withShared(ctx context.Context, reads *sharedReads, e profileEntry, held bool) profileEntry {
	if e.Rehearsal {
		return e
	}
	if sh := reads.entry(ctx, e.Name, held); sh != nil {
		e.Shared, e.Token, e.SecretStorage = sh, sh.tokenState(), "shared"
	}
	return e
}

// sharedStatus fills in a shared profile's status from its store: the
// local file holds no token of it, which must not read as "needs consent".
func sharedStatus(ctx context.Context, reads *sharedReads, s profileStatus, held bool) profileStatus {
	s.profileEntry = withShared(ctx, reads, s.profileEntry, held)
	if s.Shared == nil {
		return s
	}
	s.Problems, s.Warnings = []string{}, []string{}
	s.AccessExpiresAt, s.RefreshIssuedAt, s.RefreshExpiresUnusedAt, s.ConsentedAt, s.GrantEndsAt = nil, nil, nil, nil, nil
	if s.Shared.Problem != "" {
		s.Problems = append(s.Problems, s.Shared.Problem)
	}
	s.Check = checkResult{Result: "skipped", Detail: "shared grant: `authwiz token` refreshes it through the store"}
	s.NeedsAttention = len(s.Problems) > 0
	return s
}

// printShared adds a shared grant's lines to status.
func printShared(line func(k, v string), sh *sharedEntry) {
	where := sh.Store
	if sh.Grant != "" {
		where += fmt.Sprintf(" (as %q)", sh.Grant)
	}
	line("shared", fmt.Sprintf("grant in %s, this host a %s", where, sh.Role))
	if !sh.read {
		line("store", sh.State+detail(sh.Problem))
		return
	}
	line("store", fmt.Sprintf("generation %d, %s, access token %s left", sh.Generation, sh.State,
		profile.RoughDuration(time.Duration(sh.AccessSecondsLeft)*time.Second)))
	if c := sh.Claim; c != nil {
		line("claim", fmt.Sprintf("%s since %s, until %s (claim %d)", c.Host, c.Since.Local().Format(time.TimeOnly), c.Until.Local().Format(time.TimeOnly), c.Fence))
	}
}
