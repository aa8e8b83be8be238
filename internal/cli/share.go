package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

type shareOptions struct {
	Name       string
	To         string
	Refreshers []string
	Consumers  []string
	Consumer   bool
	HostKey    bool
	// Grant is the grant's name in the store, when it is not the
	// profile's (another host renamed its profile after sharing).
	Grant string
}

func newShareCmd(root *rootOptions, streams Streams, runF func(context.Context, *shareOptions) error) *cobra.Command {
	opts := &shareOptions{}
	cmd := &cobra.Command{
		Use:   "share NAME --to postgres://USER@HOST/DATABASE",
		Short: "Move a profile's grant into a shared PostgreSQL store, so many hosts use one consent",
		Long: `share moves the grant (tokens and client secret) of the profile called NAME into
a shared store on PostgreSQL, where several hosts use it without ever losing
the refresh token Atlassian rotates: one host at a time refreshes it, under a
claim the database times and fences. The profile's settings stay here, and
export still writes them without any secret.

Secrets are sealed in the database to the hosts allowed to read them: this
host, plus every --refresher (may refresh) and --consumer (may only read the
access token) key given. Get a host's key with authwiz share --host-key there.
A database dump holds no usable secret.

When the store already holds a grant of that name, share links this host to
it instead (with --consumer, as a host that only reads); --grant names it
when the profile here is called otherwise. Run again on a shared profile,
share keeps its grant and changes who the secrets it writes are sealed to.

The database password is never taken from the command line or the address:
set PGPASSWORD, put it in ~/.pgpass (PGPASSFILE), or type it at the prompt.`,
		Example: `  authwiz share --host-key
  authwiz share "Confluence prod" --to postgres://authwiz@db.example/authwiz \
    --refresher age1… --consumer age1…`,
		Args: usageArgs(cobra.RangeArgs(0, 1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if !opts.HostKey && (opts.Name == "" || opts.To == "") {
				return usageError{errors.New("share needs a profile NAME and --to postgres://USER@HOST/DATABASE (or --host-key alone)")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runShare(cmd.Context(), root, streams, opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the shared store: postgres://USER@HOST/DATABASE, without a password")
	cmd.Flags().StringArrayVar(&opts.Refreshers, "refresher", nil, "another host's key (age1…) that may refresh the grant; repeat for each")
	cmd.Flags().StringArrayVar(&opts.Consumers, "consumer", nil, "another host's key (age1…) that may only read the access token; repeat for each")
	cmd.Flags().BoolVar(&opts.Consumer, "consumer-only", false, "this host only reads the access token: it never refreshes")
	cmd.Flags().StringVar(&opts.Grant, "grant", "", "the grant's name in the store, when it is not the profile's (a host renamed its profile after sharing)")
	cmd.Flags().BoolVar(&opts.HostKey, "host-key", false, "print this host's public key, for the other hosts' --refresher or --consumer")
	return cmd
}

func runShare(ctx context.Context, root *rootOptions, streams Streams, opts *shareOptions) error {
	dir, err := configDir(root)
	if err != nil {
		return err
	}
	id, err := seal.LoadOrCreate(dir)
	if err != nil {
		return err
	}
	if opts.HostKey {
		_, err := fmt.Fprintln(streams.Out, id.Recipient())
		return err
	}
	where, err := pgstore.Describe(opts.To)
	if err != nil {
		return usageError{err}
	}
	if _, err := seal.ParseRecipients(append(append([]string{id.Recipient()}, opts.Refreshers...), opts.Consumers...)); err != nil {
		return usageError{err}
	}
	store, p, err := openTarget(root, streams, target{Name: opts.Name})
	if err != nil {
		return err
	}
	link := sharedLink{Store: where, Refreshers: opts.Refreshers, Consumers: opts.Consumers, Consumer: opts.Consumer}
	self := &link.Refreshers
	if opts.Consumer {
		self = &link.Consumers
	}
	if !slices.Contains(*self, id.Recipient()) {
		*self = append([]string{id.Recipient()}, *self...)
	}
	if len(link.Refreshers) == 0 {
		return usageError{errors.New("--consumer-only needs at least one --refresher: some host must be able to refresh the grant")}
	}
	links, err := loadShared(dir)
	if err != nil {
		return err
	}
	// Sharing again (to change who secrets are sealed to) keeps the name
	// the store knows the grant by.
	stored, old, had := linkFor(links, p.Name)
	if !had {
		stored = p.Name
	}
	key := opts.Grant
	if key == "" {
		key = old.key(p.Name)
	}
	if key != p.Name {
		link.Grant = key
	}
	// This host keeps its journal and cache per store and grant name, but
	// an answer journaled by an earlier version is found by the name alone
	// and could be saved onto another store's grant of that name: one name,
	// one store, on a host.
	for other, l := range links {
		if other != stored && l.key(other) == key && l.Store != opts.To {
			return usageError{fmt.Errorf("profile %q on this host already uses a grant called %q, in %s: this host knows a grant by its name, so it cannot use one of that name in %s too; name another grant with --grant",
				other, key, l.where(), where)}
		}
	}
	// Moved to another store or grant, the profile leaves this host's
	// journal and cache of the old one behind: an answer pending there
	// must be recovered first.
	relinked := had && (old.Store != opts.To || old.key(p.Name) != key)
	if relinked {
		if err := pendingAnswer(root, p.Name, old); err != nil {
			return attentionError{fmt.Errorf("%w; nothing was changed: run `%s` first, then share it elsewhere", err, profile.Command("recover", p.Name))}
		}
	}
	shared, _, err := openShared(ctx, root, streams, sharedLink{Store: opts.To, Refreshers: link.Refreshers, Consumers: link.Consumers})
	if err != nil {
		return err
	}
	defer shared.Close()
	_, sec, err := store.Get(p.Name)
	if err != nil {
		return err
	}
	snap, err := shared.Read(ctx, key)
	// A grant moved back to one host with unshare is replaced, not joined.
	joined := err == nil && snap.State != grantstore.Moved
	switch {
	case errors.Is(err, grantstore.ErrUnreachable):
		return err
	case !joined && had && !sec.HasTokens():
		// login refuses a shared profile: the way to a grant is through
		// dropping the record first.
		return attentionError{fmt.Errorf("%s holds no grant called %q to use, and this host's profile %q holds none to share: %s",
			where, key, p.Name, grantAnew(p.Name, link))}
	case !joined && !sec.HasTokens():
		return fmt.Errorf("profile %q holds no grant to share, and %s holds none called %q: consent with `%s` first, or name the grant with --grant",
			p.Name, where, key, profile.Command("login", p.Name))
	case !joined:
		if err := shared.Migrate(ctx); err != nil {
			return fmt.Errorf("%w (the first share needs the role that owns the authwiz tables; see the README, \"Many hosts\")", err)
		}
	}
	link.Store = opts.To
	// The record is written before the store takes the grant. Stopped in
	// between, the profile reads as shared, says its share stopped and
	// how to finish; the other way round it would read as unshared, and
	// this host would spend its copy of the refresh token while the
	// store holds the grant for every host. Read again under the lock:
	// another process may have changed other profiles' records while the
	// store was being reached.
	if _, err := editLinks(root, func(links map[string]sharedLink) { links[stored] = link }); err != nil {
		return err
	}
	if !joined {
		midway("share: recorded")
		grant := p
		grant.Name = key
		if err := shared.Share(ctx, grant, sec); err != nil {
			return unrecord(ctx, root, shared, err, stored, key, old, had)
		}
		midway("share: grant stored")
	}
	if relinked {
		if err := dropHostCopies(dir, p.Name, old); err != nil {
			warn(streams, fmt.Sprintf("this host's copies of the grant it used before could not be removed: %v", err))
		}
	}
	// A copy of the grant's tokens left here, by this share stopped
	// midway or from before joining, is never used while the profile is
	// shared, and spent by mistake it would revoke the grant for every
	// host.
	if sec.HasTokens() {
		if err := dropLocalTokens(store, p.Name, where); err != nil {
			return err
		}
	}
	if !joined {
		fmt.Fprintf(streams.Err, "The grant of %q now lives in %s; this host's copy of its tokens is gone.\n", p.Name, where)
	} else {
		in := where
		if link.Grant != "" {
			in += fmt.Sprintf(" (as %q)", link.Grant)
		}
		fmt.Fprintf(streams.Err, "This host now uses the grant of %q in %s, as a %s; this host keeps no tokens of the profile.\n", p.Name, in, link.role())
	}
	fmt.Fprintf(streams.Err, "This host's key is %s: list it with --refresher or --consumer when sharing on the other hosts.\n", id.Recipient())
	return nil
}

// unrecord puts back the record share wrote before the store failed to
// take the grant (err), when the store surely does not hold it: the
// profile is this host's alone again, as before the share. When that is
// not known, the record stays, so the tokens here are not used, and the
// share run again finishes.
func unrecord(ctx context.Context, root *rootOptions, shared *pgstore.Store, err error, stored, key string, old sharedLink, had bool) error {
	snap, rerr := shared.Read(ctx, key)
	if !errors.Is(rerr, grantstore.ErrNotFound) && (rerr != nil || snap.State != grantstore.Moved) {
		return fmt.Errorf("%w; whether the shared store took the grant is not known: run this share again", err)
	}
	if _, undo := editLinks(root, func(links map[string]sharedLink) {
		delete(links, stored)
		if had {
			links[stored] = old
		}
	}); undo != nil {
		return fmt.Errorf("%w; %s records the grant as shared all the same (%w): run this share again", err, sharedFileName, undo)
	}
	return err
}

// dropLocalTokens removes name's tokens from this host once the store at
// where holds its grant: the store holds the only refresh token from then
// on, and a copy left here, spent by mistake, would revoke the grant for
// every host.
func dropLocalTokens(store *profile.Store, name, where string) error {
	if err := store.Update(name, func(_ *profile.Profile, sec *profile.Secrets) error {
		*sec = profile.Secrets{ClientSecret: sec.ClientSecret}
		return nil
	}); err != nil {
		return fmt.Errorf("the grant is in %s, but its copy here could not be removed: %w; run `%s` and do not use this host's old tokens",
			where, err, profile.Command("delete", name))
	}
	return nil
}

// openReshare connects to l's store and finds name's grant there before
// a new consent; push then puts the grant the consent saved on this host
// into the store, as the grant's next generation for every host, sealed
// to the hosts l lists, and removes this host's copy.
func openReshare(ctx context.Context, root *rootOptions, streams Streams, name string, l sharedLink) (push func(context.Context, *profile.Store) error, done func(), err error) {
	shared, _, err := openShared(ctx, root, streams, l)
	if err != nil {
		return nil, nil, err
	}
	if _, err := shared.Read(ctx, l.key(name)); err != nil {
		shared.Close()
		if errors.Is(err, grantstore.ErrNotFound) {
			err = fmt.Errorf("%w; %s", err, grantAnew(name, l))
		}
		return nil, nil, err
	}
	push = func(ctx context.Context, store *profile.Store) error {
		_, sec, err := store.Get(name)
		if err != nil {
			return err
		}
		kept := func(err error) error {
			return fmt.Errorf("%w; the new consent is saved on this host only, and every host still uses the old grant in %s: run `%s` again once that is mended",
				err, l.where(), grantstore.ReshareCommand(name))
		}
		c, err := shared.Claim(ctx, l.key(name), claimant("new consent"), grantstore.DefaultClaim)
		if err != nil {
			return kept(err)
		}
		// The old refresh token is left unspent: the consent replaces it.
		snap, err := shared.Commit(ctx, c, profile.Refreshed{AccessToken: sec.AccessToken, RefreshToken: sec.RefreshToken,
			TokenType: sec.TokenType, Expiry: sec.Expiry, GrantedScopes: sec.GrantedScopes, At: time.Now()})
		if err != nil {
			return kept(err)
		}
		if sec.ConsentedAt.IsZero() {
			sec.ConsentedAt = time.Now()
		}
		if err := shared.Reconsented(ctx, c.Name, snap.Generation, sec.ConsentedAt); err != nil {
			// The tokens are in: only the 365-day date is the old consent's.
			warn(streams, err.Error())
		}
		if err := dropLocalTokens(store, name, l.where()); err != nil {
			return err
		}
		fmt.Fprintf(streams.Err, "The new grant of %q now lives in %s as generation %d, for every host; this host's copy of its tokens is gone.\n",
			name, l.where(), snap.Generation)
		return nil
	}
	return push, shared.Close, nil
}
