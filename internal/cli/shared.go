package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
}

func (l sharedLink) role() string {
	if l.Consumer {
		return "consumer"
	}
	return "refresher"
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
	l, ok := links[name]
	return l, ok, nil
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
	var opts []pgstore.Option
	if pgstore.NeedsPassword(l.Store) {
		if f, ok := streams.In.(*os.File); ok && term.IsTerminal(f.Fd()) {
			fmt.Fprintf(streams.Err, "Password for %s (or set PGPASSWORD, or use ~/.pgpass): ", l.Store)
			pw, err := term.ReadPassword(f.Fd())
			fmt.Fprintln(streams.Err)
			if err != nil {
				return nil, id, fmt.Errorf("read the database password: %w", err)
			}
			opts = append(opts, pgstore.WithPassword(string(pw)))
		}
	}
	s, err := pgstore.Open(ctx, l.Store, id, pgstore.Recipients{Refreshers: l.Refreshers, Consumers: l.Consumers}, opts...)
	return s, id, err
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
	host, _ := os.Hostname()
	src := &grantstore.Source{Store: store, Name: p.Name, Settings: p, Consumer: l.Consumer,
		Host:    fmt.Sprintf("%s (PID %d)", host, os.Getpid()),
		Journal: grantstore.OpenJournal(dir, id), Cache: grantstore.OpenCache(dir, id),
		HTTP: root.httpClient(), Timeout: root.timeout, Now: root.now,
		Warn: func(msg string) { fmt.Fprintln(streams.Err, "authwiz: warning:", msg) }}
	return src, store.Close, nil
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
		return sharedFailure(err)
	}
	return printToken(streams, target{Name: p.Name}, tok.AccessToken)
}

// sharedFailure marks the failures only the admin can mend.
func sharedFailure(err error) error {
	if errors.Is(err, grantstore.ErrUncertain) || errors.Is(err, grantstore.ErrRejected) || errors.Is(err, grantstore.ErrNothingToRecover) {
		return attentionError{err}
	}
	return err
}

// sharedEntry is where a shared profile's grant lives and how it is, as
// list and status show it (JSON too). It never holds a secret.
type sharedEntry struct {
	Store      string `json:"store"`
	Role       string `json:"role"`
	Generation int64  `json:"generation,omitempty"`
	// State is ok, uncertain or rejected; unreachable when the store
	// could not be read.
	State      string     `json:"state"`
	StateSince *time.Time `json:"state_since,omitempty"`
	// AccessSecondsLeft is the access token's time left by the store's clock.
	AccessSecondsLeft int64       `json:"access_token_seconds_left"`
	Claim             *claimEntry `json:"claim,omitempty"`
	Problem           string      `json:"problem,omitempty"`
	// read: the store answered, so the fields above are its.
	read bool
}

type claimEntry struct {
	Host  string    `json:"host"`
	Fence int64     `json:"fence"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// sharedEntryOf reads p's grant from its store when it is shared; nil
// when it is not. It never refreshes.
func sharedEntryOf(ctx context.Context, root *rootOptions, name string) *sharedEntry {
	l, ok, err := sharedLinkOf(root, name)
	switch {
	case err != nil:
		return &sharedEntry{State: "unreadable", Problem: err.Error()}
	case !ok:
		return nil
	}
	e := &sharedEntry{Store: l.Store, Role: l.role()}
	limit := pgstore.ConnectTimeout
	if root.timeout > 0 {
		limit = root.timeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// No prompt: list and status read what they can and say the rest.
	store, _, err := openShared(ctx, root, Streams{}, l)
	if err != nil {
		e.State, e.Problem = "unreachable", err.Error()
		return e
	}
	defer store.Close()
	snap, err := store.Read(ctx, name)
	if err != nil {
		e.State, e.Problem = "unreachable", err.Error()
		if !errors.Is(err, grantstore.ErrUnreachable) {
			e.State = "unreadable"
		}
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
		e.Problem = fmt.Sprintf("shared grant uncertain: run `%s` on the host that refreshed last, or consent again", profile.Command("recover", name))
	case grantstore.Rejected:
		e.Problem = fmt.Sprintf("shared refresh token rejected: consent again with `%s`", profile.Command("login", name))
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
func withShared(ctx context.Context, root *rootOptions, e profileEntry) profileEntry {
	if e.Rehearsal {
		return e
	}
	if sh := sharedEntryOf(ctx, root, e.Name); sh != nil {
		e.Shared, e.Token, e.SecretStorage = sh, sh.tokenState(), "shared"
	}
	return e
}

// sharedStatus fills in a shared profile's status from its store: the
// local file holds no token of it, which must not read as "needs consent".
func sharedStatus(ctx context.Context, root *rootOptions, s profileStatus) profileStatus {
	s.profileEntry = withShared(ctx, root, s.profileEntry)
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
	line("shared", fmt.Sprintf("grant in %s, this host a %s", sh.Store, sh.Role))
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
