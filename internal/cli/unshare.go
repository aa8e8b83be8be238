package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/profile"
)

type unshareOptions struct {
	Name string
	// Forget drops this host's record of the shared grant instead.
	Forget bool
}

func newUnshareCmd(root *rootOptions, streams Streams, runF func(context.Context, *unshareOptions) error) *cobra.Command {
	opts := &unshareOptions{}
	cmd := &cobra.Command{
		Use:   "unshare NAME",
		Short: "Bring a shared profile's grant back to this host alone",
		Long: `unshare takes the grant of the profile called NAME out of its shared store and
keeps it on this host, as before authwiz share: the tokens go to this host's
own secrets, the store marks the grant as moved and keeps no token of it, and
every other host stops using it and says so (remove the profile there with
authwiz delete NAME). It runs on a refresher host, under a claim, so no other
host is refreshing meanwhile. authwiz share NAME --to … shares it again.

With --forget it only drops what this host keeps of the shared grant called
NAME: the record that it is shared, its journal and token cache. The grant
stays in the store for the other hosts, and this host's own tokens of a
profile called NAME go too, since they may be a copy of the grant's. Use it
for a record whose profile was deleted or renamed, which keeps authwiz new
from making a profile of that name, and says how to join the grant again.
It refuses while the journal holds a refresh the store never saved.`,
		Example: `  authwiz unshare "Confluence prod"
  authwiz unshare --forget "Confluence prod"`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Forget {
				return runForget(root, streams, opts.Name)
			}
			return runUnshare(cmd.Context(), root, streams, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Forget, "forget", false, "only drop this host's record of the shared grant (and its journal); the grant stays in the store")
	return cmd
}

// runForget is `unshare --forget NAME`: no store is connected to, so it
// works for a record whose store is gone too.
func runForget(root *rootOptions, streams Streams, name string) error {
	link, ok, err := sharedLinkOf(root, name)
	switch {
	case err != nil:
		return err
	case !ok:
		return usageError{fmt.Errorf("this host has no record of a shared grant called %q: `%s` lists the shared profiles", name, suggest("list"))}
	}
	store, err := openStore(root, streams)
	if err != nil {
		return err
	}
	p, _, err := store.Get(name)
	exists := err == nil
	if err != nil && !errors.Is(err, profile.ErrNotFound) {
		return err
	}
	// The record of a profile renamed by a rename that stopped before
	// dropping it: forgetting the grant would take the renamed profile's
	// record with it, and finishing the rename is what is left to do.
	if !exists {
		if finished, err := finishRenameOf(root, streams, name); finished || err != nil {
			return err
		}
	}
	grant := link.key(name)
	if err := pendingAnswer(root, name, link); err != nil {
		if exists {
			return attentionError{fmt.Errorf("%w; nothing was forgotten: run `%s` first", err, profile.Command("recover", p.Name))}
		}
		return attentionError{fmt.Errorf("%w; nothing was forgotten: make a profile for the same app under another name (NEW below), join the grant with `%s`, and run `%s`",
			err, joinCommand("NEW", grant, link), profile.Program+" recover NEW")}
	}
	if exists {
		name = p.Name
		if err := dropLocalTokens(store, name, link.where()); err != nil {
			return err
		}
	}
	if err := forgetLink(root, name, link); err != nil {
		return fmt.Errorf("forget the shared grant of %q: %w; nothing else was changed", name, err)
	}
	fmt.Fprintf(streams.Err, "This host no longer keeps a record of the shared grant %q in %s; the grant stays there for the other hosts.\n", grant, link.where())
	if exists {
		fmt.Fprintf(streams.Err, "Profile %q is this host's alone now, without tokens: run `%s` to consent for this host.\n", name, profile.Command("login", name))
	}
	fmt.Fprintf(streams.Err, "To use the shared grant here again, run `%s`.\n", joinCommand(name, grant, link))
	return nil
}

func runUnshare(ctx context.Context, root *rootOptions, streams Streams, opts *unshareOptions) error {
	local, p, err := openTarget(root, streams, target{Name: opts.Name})
	if err != nil {
		return err
	}
	link, ok, err := sharedLinkOf(root, p.Name)
	switch {
	case err != nil:
		return err
	case !ok:
		return usageError{fmt.Errorf("profile %q is not shared: its grant is on this host already", p.Name)}
	case link.Consumer:
		return usageError{fmt.Errorf("this host only reads the shared grant of %q and cannot open its refresh token: run `%s` on a refresher host",
			p.Name, profile.Command("unshare", p.Name))}
	}
	if err := pendingAnswer(root, p.Name, link); err != nil {
		return attentionError{fmt.Errorf("%w; run `%s` first", err, profile.Command("recover", p.Name))}
	}
	store, _, err := openShared(ctx, root, streams, link)
	if err != nil {
		return err
	}
	defer store.Close()
	c, err := store.Claim(ctx, link.key(p.Name), claimant("unshare"), grantstore.DefaultClaim)
	if err != nil {
		return fmt.Errorf("unshare %q: %w; nothing was changed", p.Name, err)
	}
	_, mine, err := local.Get(p.Name)
	if err != nil {
		return errors.Join(err, store.Release(ctx, c, grantstore.NotSpent))
	}
	switch {
	case c.Grant.State == grantstore.Moved && mine.RefreshToken != "":
		// An earlier unshare here moved it and could not tell: its copy
		// is the grant now, and only the record is left to remove.
		if err := store.Release(ctx, c, grantstore.NotSpent); err != nil {
			return err
		}
	default:
		if err := movable(c, p.Name); err != nil {
			return errors.Join(attentionError{err}, store.Release(ctx, c, grantstore.NotSpent))
		}
		if err := moveHere(ctx, store, local, c, p.Name, link); err != nil {
			return err
		}
	}
	midway("unshare: grant moved")
	if err := forgetLink(root, p.Name, link); err != nil {
		return fmt.Errorf("the grant of %q is back on this host and marked moved in %s, but this host's shared record remains: %w; run `%s` again to finish",
			p.Name, link.where(), err, profile.Command("unshare", p.Name))
	}
	fmt.Fprintf(streams.Err, "The grant of %q is back on this host alone: its tokens are in %s.\n", p.Name, storageWords(p.SecretStorage))
	fmt.Fprintf(streams.Err, "%s marks it moved and keeps no token of it: the other hosts stop using it and say so; remove the profile there with `%s`.\n",
		link.where(), profile.Command("delete", link.key(p.Name)))
	return nil
}

// moveHere writes the claimed grant into this host's own secrets, then
// has the store mark it moved. The claim keeps every other host from
// refreshing in between. While the store has not said moved, this host's
// shared record stays, so the copy here is not used.
func moveHere(ctx context.Context, store *pgstore.Store, local *profile.Store, c grantstore.Claim, name string, l sharedLink) error {
	if err := local.Update(name, func(_ *profile.Profile, sec *profile.Secrets) error {
		*sec = localCopy(c, sec.ClientSecret)
		return nil
	}); err != nil {
		return errors.Join(fmt.Errorf("unshare %q: keep its tokens on this host: %w; nothing was changed", name, err),
			store.Release(ctx, c, grantstore.NotSpent))
	}
	err := store.MoveAway(context.WithoutCancel(ctx), c)
	switch {
	case errors.Is(err, grantstore.ErrFenced):
		// Another host took the claim over: the store's copy is the
		// grant, and may already be newer than the one here.
		return errors.Join(fmt.Errorf("unshare %q: %w; the grant stays in %s: run this again", name, err, l.where()),
			dropLocalTokens(local, name, l.where()))
	case err != nil:
		// The store may have marked it moved before the answer was lost:
		// the copy here may be the only one left, so it stays.
		return fmt.Errorf("unshare %q: %w; whether the store marked the grant moved is not known: this host keeps its copy and goes on using the store's; run `%s` again once the store answers",
			name, err, profile.Command("unshare", name))
	}
	return nil
}

// movable refuses a grant whose refresh token the store cannot vouch for.
func movable(c grantstore.Claim, name string) error {
	switch {
	case c.Grant.State == grantstore.Moved:
		return fmt.Errorf("the grant of %q was already moved back to one host with unshare on %s: remove the profile here with `%s`",
			name, c.Grant.StateSince.Local().Format(time.DateTime), profile.Command("delete", name))
	case c.Grant.State == grantstore.Uncertain:
		return fmt.Errorf("the shared grant of %q is uncertain: run `%s` on the host that refreshed last, then unshare it", name, profile.Command("recover", name))
	case c.Grant.State != grantstore.Usable || c.Secrets.RefreshToken == "":
		return fmt.Errorf("the shared grant of %q holds no usable refresh token (%s): consent again with `%s`, then unshare it",
			name, c.Grant.State, grantstore.ReshareCommand(name))
	case !c.EarlierAttempt.IsZero():
		return fmt.Errorf("a refresh of the shared grant of %q began at %s and was not saved: run `%s` so it is retried or settled, then unshare it",
			name, c.EarlierAttempt.Local().Format(time.TimeOnly), profile.Command("token", name))
	}
	return nil
}

// localCopy is the claimed grant as this host's own secrets. Its times
// are moved from the store's clock to this host's.
func localCopy(c grantstore.Claim, clientSecret string) profile.Secrets {
	sec := c.Secrets
	if clientSecret != "" {
		sec.ClientSecret = clientSecret
	}
	skew := time.Now().Sub(c.Now)
	sec.Expiry = c.Grant.Expiry.Add(skew)
	if !c.Grant.Issued.IsZero() {
		sec.AccessIssuedAt = c.Grant.Issued.Add(skew)
	}
	return sec
}
