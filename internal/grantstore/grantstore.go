// Package grantstore lets several hosts share one grant (one Atlassian
// authentication) without ever losing its rotating refresh token.
//
// A Store is where the grant lives: the local file store (one host) or a
// shared PostgreSQL database (many hosts). Every decision that involves
// time is taken by the store's clock, and every change is a compare-and-
// swap: a refresh first claims the right to spend generation n of the
// refresh token, until an expiry the store sets, with a fencing number;
// its answer is committed only while the generation and the fence still
// match, so a refresher that was paused past its claim can never
// overwrite the work of the host that took over.
//
// Source runs the protocol on any Store; the store's tests are one suite
// (storetest) run against every implementation.
package grantstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// Store is a grant store as the refresh protocol uses it.
type Store interface {
	// Read is the grant's current access token, without waiting for a
	// refresh in progress.
	Read(ctx context.Context, name string) (Snapshot, error)
	// Claim takes the right to spend the current refresh token until ttl
	// has passed by the store's clock. While another live claim holds it,
	// it fails with a *ClaimedError (the file store waits instead).
	Claim(ctx context.Context, name, holder string, ttl time.Duration) (Claim, error)
	// Commit saves a refresh's answer as the next generation, only if
	// the claim's generation and fence are still the store's: otherwise
	// ErrFenced, and nothing changes. It ends the claim.
	Commit(ctx context.Context, c Claim, answer profile.Refreshed) (Snapshot, error)
	// Release ends a claim that committed nothing, recording how the
	// attempt ended (see End). A claim that is no longer held is left alone.
	Release(ctx context.Context, c Claim, end End) error
}

// Snapshot is a grant as read from its store.
type Snapshot struct {
	Name       string
	Generation int64
	// AccessToken is empty when there is none, or this host may not read it.
	AccessToken string
	TokenType   string
	// Issued and Expiry are the access token's, and Now the moment of the
	// read, all by the store's clock: only differences between them count.
	Issued, Expiry, Now time.Time
	State               State
	// StateSince is when the grant became uncertain or rejected.
	StateSince time.Time
	// Holder is the live claim on the grant, if any.
	Holder *Holder
	// AttemptSince is when a refresh of this generation began that has
	// not ended: from then on the access token may be superseded.
	AttemptSince time.Time
}

// TimeLeft is how long the access token lasts, by the store's clock.
func (s Snapshot) TimeLeft() time.Duration { return s.Expiry.Sub(s.Now) }

// Lifetime is how long the access token was issued for; 0 when unknown.
func (s Snapshot) Lifetime() time.Duration {
	if s.Issued.IsZero() || !s.Expiry.After(s.Issued) {
		return 0
	}
	return s.Expiry.Sub(s.Issued)
}

// State says whether the grant's refresh token can be used.
type State string

const (
	// Usable: the refresh token is the one the store knows to be current.
	Usable State = "ok"
	// Uncertain: a refresh may have spent the refresh token and its answer
	// was not saved in time; only `authwiz recover` (from the journal of
	// the host that sent it) or a new consent settles it.
	Uncertain State = "uncertain"
	// Rejected: the token endpoint refused the refresh token.
	Rejected State = "rejected"
	// Moved: `authwiz unshare` took the grant back to one host's own
	// store; the store holds no token of it any more.
	Moved State = "moved"
)

// Holder is who holds a claim, and until when by the store's clock.
type Holder struct {
	Host         string
	Fence        int64
	Since, Until time.Time
}

// Claim is the right to spend one generation of a grant's refresh token.
type Claim struct {
	Name       string
	Generation int64
	// Fence grows with every claim on the grant: a commit or release
	// carrying an older one is refused.
	Fence int64
	// Now (when the claim was granted) and Until are by the store's clock.
	Now, Until time.Time
	// Grant holds the settings and the secrets the refresh needs, as read
	// under the claim: another host may have refreshed a moment before.
	Grant Snapshot
	// Secrets are the opened secrets: client secret, refresh token.
	Secrets profile.Secrets
	// Settings are the profile's settings the refresh is sent with.
	Settings profile.Profile
	// EarlierAttempt is when an earlier claim on this generation began an
	// attempt that may have spent the refresh token without its answer
	// being saved; zero when there is none.
	EarlierAttempt time.Time
}

// Remaining is how long the claim lasts from when it was granted.
func (c Claim) Remaining() time.Duration { return c.Until.Sub(c.Now) }

// End is how a claim that committed nothing ended.
type End string

const (
	// NotSpent: the refresh token was not spent (nothing was sent, or the
	// server answered without using it): the next claim starts afresh.
	NotSpent End = "not-spent"
	// Unanswered: the refresh was sent and no answer came: it may have
	// spent the token, so the attempt's start is kept for the next claim.
	Unanswered End = "unanswered"
	// EndRejected: the server refused the refresh token.
	EndRejected End = "rejected"
	// EndUncertain: an earlier attempt's answer is lost for good.
	EndUncertain End = "uncertain"
)

var (
	// ErrNotFound: the store holds no grant by that name.
	ErrNotFound = errors.New("the shared store holds no grant by that name")
	// ErrFenced: the claim was taken over (or the grant changed) before
	// the commit; the answer was not saved and must never be used.
	ErrFenced = errors.New("the claim was taken over before its answer was saved")
	// ErrUnreachable: the store could not be reached.
	ErrUnreachable = errors.New("the grant store cannot be reached")
)

// ClaimedError says another host holds a live claim.
type ClaimedError struct{ Holder Holder }

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("%s is refreshing the grant (claim %d, since %s, until %s)",
		e.Holder.Host, e.Holder.Fence, e.Holder.Since.UTC().Format(time.TimeOnly), e.Holder.Until.UTC().Format(time.TimeOnly))
}
