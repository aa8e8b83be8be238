package grantstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// Defaults of the refresh protocol.
const (
	// RetryWindow is how long after the first attempt on a generation a
	// host that takes over may send its refresh token again. Atlassian
	// accepts a replaced refresh token for ten minutes; half of it is kept
	// for the retry's own journey and for the store's clock.
	RetryWindow = 5 * time.Minute
	// SupersededLimit is how long after a newer one was issued a token
	// cached on this host may still be handed out (Atlassian stops the old
	// access token ten minutes after a refresh).
	SupersededLimit = 5 * time.Minute
	// DefaultClaim is how long a claim lasts by the store's clock.
	DefaultClaim = time.Minute
	// DefaultTimeout bounds one refresh request.
	DefaultTimeout = 30 * time.Second
	// DefaultMargin is how long an access token must still last to be
	// handed out; short-lived tokens get a quarter of their lifetime.
	DefaultMargin = 2 * time.Minute
	// maxClaimSlack bounds the part of a claim the request may not use
	// (a quarter of it): the answer must reach the journal and the store
	// before the claim ends.
	maxClaimSlack = 5 * time.Second
)

// Errors of the protocol, beyond the store's.
var (
	// ErrUncertain: a refresh may have spent the refresh token and its
	// answer is not in the store; `authwiz recover` settles it.
	ErrUncertain = errors.New("the shared grant is uncertain")
	// ErrRejected: the token endpoint refused the refresh token.
	ErrRejected = errors.New("the token endpoint refused the shared refresh token")
	// ErrConsumerOnly: this host may read the grant but not refresh it,
	// and no refresher host has refreshed it in time.
	ErrConsumerOnly = errors.New("this host may only read the shared grant")
	// ErrMoved: the grant was taken back to one host with `authwiz unshare`.
	ErrMoved = errors.New("the shared grant was moved back to one host")
)

// Token is an access token as the protocol hands it out.
type Token struct {
	AccessToken, TokenType string
	// Generation is the grant's generation the token belongs to.
	Generation int64
	// Cached: the store could not be reached and this is this host's copy.
	Cached bool
}

// Source hands out a shared grant's access token on one host, refreshing
// it through a claim when needed:
//
//   - a token with more than its margin left is read from the store and
//     handed out, without a claim;
//   - otherwise the grant is claimed by the store's clock (which also
//     proves the store writable before anything is spent), the refresh is
//     sent with a deadline inside the claim, its answer kept in this
//     host's journal and then committed; an answer fenced out by a host
//     that took over is reported and never used;
//   - a host taking over from one that stopped mid-refresh sends the same
//     refresh token again only while that first attempt is less than
//     RetryWindow old by the store's clock; after that the grant is marked
//     uncertain and only the journal (`authwiz recover`) can settle it;
//   - a store that cannot be reached never leads to a refresh: this host's
//     cached token is served until its margin runs out, then a clear error.
type Source struct {
	Store Store
	// Name is the profile's name on this host, as messages give it.
	Name string
	// Grant is the grant's name in the store, and in this host's journal
	// and cache, when it is not Name: a profile renamed on one host keeps
	// the name every other host finds the grant by.
	Grant string
	// Settings are this host's own settings of the profile: the token URL,
	// client ID and auth style of a refresh come from here, never from the
	// store, whose writer must not be able to send the client secret
	// elsewhere.
	Settings profile.Profile
	// Host names this process in claims, for status.
	Host    string
	Journal *Journal
	// Cache, when set, keeps the last token read for when the store
	// cannot be reached.
	Cache *Cache
	// Consumer: this host may not claim; it waits for a refresher host.
	Consumer bool
	HTTP     *http.Client
	// Now is this host's clock (the cache's only); nil means time.Now.
	Now func() time.Time
	// Margin is how long a token must still last; 0 means DefaultMargin,
	// or a quarter of the token's lifetime when that is shorter.
	Margin time.Duration
	// Claim, Timeout and Window default to DefaultClaim, DefaultTimeout
	// and RetryWindow.
	Claim, Timeout, Window time.Duration
	// Poll is how often to look again while another host refreshes.
	Poll time.Duration
	// Warn reports what the caller should know but that did not fail.
	Warn func(msg string)
	// HoldSignals holds SIGINT and SIGTERM while a refresh is under way.
	HoldSignals func() (release func() os.Signal)

	// afterJournal runs between journal and commit (tests stop there).
	afterJournal func()
}

// Token returns a valid access token of the grant.
func (s *Source) Token(ctx context.Context) (Token, error) {
	tok, err := s.token(ctx)
	if err != nil {
		return Token{}, fmt.Errorf("get an access token for shared profile %q: %w", s.Name, err)
	}
	return tok, nil
}

func (s *Source) token(ctx context.Context) (Token, error) {
	for {
		snap, err := s.Store.Read(ctx, s.key())
		if err != nil {
			return s.cached(err)
		}
		if s.fresh(snap) {
			return s.handOut(snap), nil
		}
		if s.recoverable(ctx, snap) {
			continue
		}
		if err := s.unusable(snap); err != nil {
			return Token{}, err
		}
		if s.Consumer {
			if err := s.await(ctx, snap, nil); err != nil {
				return s.cached(err)
			}
			continue
		}
		c, err := s.Store.Claim(ctx, s.key(), s.Host, s.claimFor())
		var claimed *ClaimedError
		switch {
		case errors.As(err, &claimed):
			if err := s.await(ctx, snap, claimed); err != nil {
				return s.cached(err)
			}
			continue
		case errors.Is(err, ErrUnreachable):
			return s.cached(err)
		case err != nil:
			return Token{}, err
		}
		tok, done, err := s.underClaim(ctx, c)
		if err != nil || done {
			return tok, err
		}
	}
}

// fresh reports whether snap's token may be handed out now: it lasts
// beyond its margin, and no refresh that began over SupersededLimit ago
// may have replaced it (an uncertain grant's refresh began even earlier).
func (s *Source) fresh(snap Snapshot) bool {
	superseded := !snap.AttemptSince.IsZero() && snap.Now.Sub(snap.AttemptSince) >= SupersededLimit
	return snap.AccessToken != "" && snap.State == Usable && !superseded && snap.TimeLeft() > s.margin(snap.Lifetime())
}

func (s *Source) margin(life time.Duration) time.Duration {
	switch {
	case s.Margin > 0:
		return s.Margin
	case life > 0:
		return min(DefaultMargin, life/4)
	}
	return DefaultMargin
}

func (s *Source) handOut(snap Snapshot) Token {
	if s.Cache != nil {
		if err := s.Cache.put(snap, s.margin(snap.Lifetime()), s.now()); err != nil {
			s.warn(err.Error())
		}
	}
	return Token{AccessToken: snap.AccessToken, TokenType: snap.TokenType, Generation: snap.Generation}
}

// recoverable recovers an uncertain grant whose lost answer this host's
// journal holds, reporting whether it did.
func (s *Source) recoverable(ctx context.Context, snap Snapshot) bool {
	if snap.State != Uncertain || s.Consumer {
		return false
	}
	if _, kept, err := s.Journal.Get(s.key()); err != nil || !kept {
		return false
	}
	if _, err := s.Recover(ctx); err != nil {
		s.warn(err.Error())
		return false
	}
	s.warn(fmt.Sprintf("recovered %q from this host's journal: a refresh here had stopped before the store saved it", s.Name))
	return true
}

// unusable explains a grant that no refresh may renew.
func (s *Source) unusable(snap Snapshot) error {
	switch snap.State {
	case Uncertain:
		return fmt.Errorf("%w since %s: a refresh may have spent the refresh token and its answer was not saved; "+
			"run `%s` on the host that refreshed last (it keeps the answer), or consent again for every host with `%s`",
			ErrUncertain, snap.StateSince.Local().Format(time.DateTime), profile.Command("recover", s.Name), ReshareCommand(s.Name))
	case Rejected:
		return fmt.Errorf("%w on %s; consent again for every host with `%s` on a refresher host",
			ErrRejected, snap.StateSince.Local().Format(time.DateTime), ReshareCommand(s.Name))
	case Moved:
		return fmt.Errorf("%w with `%s` on %s, and the store holds no token of it any more: this host cannot use it; "+
			"remove the profile here with `%s`, or have that host share it again",
			ErrMoved, profile.Command("unshare", s.Name), snap.StateSince.Local().Format(time.DateTime), profile.Command("delete", s.Name))
	}
	return nil
}

// ReshareCommand is the command that consents again for a shared grant
// and puts the new grant into the store: a plain login would keep it on
// one host.
func ReshareCommand(name string) string { return profile.Command("login", name) + " --reshare" }

// await waits while another host refreshes (or, on a consumer host, for
// any refresher to), until the grant's generation changes or the claim
// ends, as long as ctx and the token allow.
func (s *Source) await(ctx context.Context, seen Snapshot, claimed *ClaimedError) error {
	limit := s.claimFor() + s.timeout()
	stop := time.Now().Add(limit)
	waited := func(cause error) error {
		if s.Consumer {
			return fmt.Errorf("%w, and no refresher host renewed its token while this one waited (%w): run `%s` on a refresher host, and keep one running it every few minutes",
				ErrConsumerOnly, cause, profile.Command("token", s.Name))
		}
		return fmt.Errorf("%w; try again once that claim has ended", &ClaimedError{Holder: claimed.Holder})
	}
	for time.Now().Before(stop) {
		select {
		case <-ctx.Done():
			return waited(ctx.Err())
		case <-time.After(s.poll()):
		}
		snap, err := s.Store.Read(ctx, s.key())
		switch {
		case ctx.Err() != nil:
			return waited(ctx.Err())
		case err != nil:
			return err
		}
		if snap.Generation != seen.Generation || snap.State != seen.State || !s.Consumer && snap.Holder == nil {
			return nil
		}
	}
	return waited(fmt.Errorf("%s passed", limit.Round(time.Second)))
}

// cached serves this host's copy of the token when the store cannot be
// reached; no refresh is ever made without the store.
func (s *Source) cached(readErr error) (Token, error) {
	if !errors.Is(readErr, ErrUnreachable) || s.Cache == nil {
		return Token{}, readErr
	}
	tok, confirmed, ok := s.Cache.get(s.key())
	now := s.now()
	margin := time.Duration(tok.Margin * float64(time.Second))
	switch {
	case !ok:
		return Token{}, fmt.Errorf("%w, and this host has no copy of the access token; nothing was refreshed: try again when the store is back", readErr)
	case now.Sub(confirmed) >= SupersededLimit:
		return Token{}, fmt.Errorf("%w, and this host's copy of the access token was last confirmed at %s, too long ago to be sure another host did not replace it; nothing was refreshed: try again when the store is back",
			readErr, confirmed.Local().Format(time.TimeOnly))
	case tok.Expiry.Sub(now) <= margin:
		return Token{}, fmt.Errorf("%w, and this host's copy of the access token expires at %s; nothing was refreshed: try again when the store is back",
			readErr, tok.Expiry.Local().Format(time.TimeOnly))
	}
	s.warn(fmt.Sprintf("the shared store cannot be reached; serving this host's copy of the access token (valid until %s)", tok.Expiry.Local().Format(time.TimeOnly)))
	return Token{AccessToken: tok.AccessToken, TokenType: tok.TokenType, Generation: tok.Generation, Cached: true}, nil
}

func (s *Source) key() string {
	if s.Grant != "" {
		return s.Grant
	}
	return s.Name
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Source) claimFor() time.Duration { return orDefault(s.Claim, DefaultClaim) }
func (s *Source) timeout() time.Duration  { return orDefault(s.Timeout, DefaultTimeout) }
func (s *Source) window() time.Duration   { return orDefault(s.Window, RetryWindow) }
func (s *Source) poll() time.Duration     { return orDefault(s.Poll, 100*time.Millisecond) }
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (s *Source) warn(msg string) {
	if s.Warn != nil {
		s.Warn(msg)
	}
}
