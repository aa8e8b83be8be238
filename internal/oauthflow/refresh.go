package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/sighold"
)

// DefaultExpiryMargin is how long a saved access token must still be valid
// to be handed out, so whoever receives it has time to use it. Shorter
// lived tokens get a quarter of their lifetime instead (see
// StoredTokenSource.Margin).
const DefaultExpiryMargin = 2 * time.Minute

// DefaultRefreshTimeout bounds one refresh request, answer included.
const DefaultRefreshTimeout = 30 * time.Second

// ReuseInterval is how long after a rotation Atlassian still accepts the
// refresh token it replaced. A refresh whose answer was lost may be sent
// again within it; after it, reuse is refused and may revoke the grant.
const ReuseInterval = 10 * time.Minute

// retryWindow is the part of ReuseInterval in which authwiz retries a lost
// refresh: the rest is kept for the retry's own journey and for clocks.
const retryWindow = ReuseInterval - time.Minute

// UnknownLifetime is how long an access token is taken to live when a
// refresh answer says nothing (no expires_in). RFC 6749 leaves it to the
// server; five minutes is the shortest default of the widely used servers
// (Keycloak's), so a token is never handed out after such a server
// dropped it, at the price of refreshing every few minutes where tokens
// live longer. A token that cannot be refreshed is still taken to last,
// since refreshing is no remedy for it.
const UnknownLifetime = 5 * time.Minute

// ErrNoTokens: the profile holds no token that can be used or renewed.
var ErrNoTokens = errors.New("there is no usable token")

// TokenStore is what StoredTokenSource.Store is declared as; the store
// must also be a GrantStore (profile.Store is), or no token is refreshed.
type TokenStore interface {
	Update(name string, fn func(p *profile.Profile, sec *profile.Secrets) error) error
}

// GrantStore is where a profile's grant lives, as the refresh protocol
// uses it: read without waiting, claim to spend the refresh token (see
// profile.GrantClaim for commit and release).
type GrantStore interface {
	ReadGrant(ctx context.Context, name string) (profile.Grant, error)
	ClaimGrant(ctx context.Context, name string) (profile.GrantClaim, error)
}

// StoredTokenSource hands out a saved profile's access token, refreshing
// it when needed, without ever losing a rotated refresh token:
//
//   - a valid saved token is handed out without waiting for anything;
//   - otherwise the profile is claimed (other profiles, and reads, go on),
//     the saved grant re-read (another process may just have refreshed it)
//     and, if a refresh is still due, the save is proven possible and a
//     journal entry written before the refresh token is sent;
//   - the request cannot be cancelled by the caller once sent, only by
//     Timeout, and SIGINT/SIGTERM are held until its answer is saved;
//   - a token is handed out only once it is saved.
//
// A refresh the journal shows lost (the process was killed) is retried
// while Atlassian's reuse interval may still accept it, and otherwise
// reported as such. A rejected refresh token is remembered, not deleted.
type StoredTokenSource struct {
	Store   TokenStore
	Profile string
	// HTTP talks to the token endpoint; nil means a client whose every
	// step is bounded by Timeout.
	HTTP *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Margin is how long a saved access token must still be valid to be
	// handed out; 0 means the smaller of DefaultExpiryMargin and a quarter
	// of the token's lifetime, so tokens that live two minutes are shared
	// by concurrent callers rather than refreshed by each.
	Margin time.Duration
	// Timeout bounds the refresh request; 0 means DefaultRefreshTimeout.
	Timeout time.Duration
	// HoldSignals holds SIGINT and SIGTERM until the returned function is
	// called, which reports the first signal held; nil means sighold.Hold.
	HoldSignals func() (release func() os.Signal)
}

// Token is TokenContext without a deadline, for oauth2.TokenSource.
func (s *StoredTokenSource) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext returns a valid access token for the profile. ctx bounds
// the waits before a refresh is sent; once sent, the refresh is seen
// through and saved, and then a cancelled ctx is reported.
func (s *StoredTokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	tok, err := s.token(ctx)
	if err != nil {
		return nil, fmt.Errorf("get an access token for profile %q: %w", s.Profile, err)
	}
	return tok, nil
}

func (s *StoredTokenSource) token(ctx context.Context) (*oauth2.Token, error) {
	grants, ok := s.Store.(GrantStore)
	if !ok {
		return nil, fmt.Errorf("the profile store (%T) cannot claim a grant, so it cannot refresh tokens safely", s.Store)
	}
	g, err := grants.ReadGrant(ctx, s.Profile)
	if err != nil {
		return nil, err
	}
	if g.Pending == nil {
		if tok := s.usable(g.Secrets); tok != nil {
			return tok, nil
		}
		if err := s.remembered(g); err != nil {
			return nil, err
		}
		// Nothing to refresh with: say so before the claim, whose proof
		// that the answer can be saved would fail first on a read-only
		// disk and blame the disk.
		if g.Secrets.RefreshToken == "" {
			return nil, s.noRefreshToken(g.Secrets)
		}
	}
	claim, err := grants.ClaimGrant(ctx, s.Profile)
	if err != nil {
		return nil, s.claimError(err)
	}
	defer claim.Release()
	return s.refresh(ctx, claim)
}

// usable is the saved access token when it can be handed out now.
func (s *StoredTokenSource) usable(sec profile.Secrets) *oauth2.Token {
	if sec.AccessToken == "" {
		return nil
	}
	// A token that cannot be refreshed and says nothing of its expiry is
	// used until the server refuses it; one that can be refreshed is not
	// trusted to last for ever.
	if sec.Expiry.IsZero() && sec.RefreshToken == "" || sec.Expiry.After(s.now().Add(s.margin(sec))) {
		return savedToken(sec)
	}
	return nil
}

func (s *StoredTokenSource) margin(sec profile.Secrets) time.Duration {
	if s.Margin != 0 {
		return s.Margin
	}
	if life := sec.Expiry.Sub(sec.AccessIssuedAt); !sec.AccessIssuedAt.IsZero() && life > 0 {
		return min(DefaultExpiryMargin, life/4)
	}
	return DefaultExpiryMargin
}

func (s *StoredTokenSource) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *StoredTokenSource) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultRefreshTimeout
	}
	return s.Timeout
}

func (s *StoredTokenSource) hold() (release func() os.Signal) {
	if s.HoldSignals == nil {
		return sighold.Hold()
	}
	return s.HoldSignals()
}

func savedToken(sec profile.Secrets) *oauth2.Token {
	return &oauth2.Token{AccessToken: sec.AccessToken, TokenType: sec.TokenType, RefreshToken: sec.RefreshToken, Expiry: sec.Expiry}
}

// Expiry is when tok expires, counted from now by the caller's clock when
// the server said expires_in.
func Expiry(tok *oauth2.Token, now time.Time) time.Time {
	if tok.ExpiresIn <= 0 {
		return tok.Expiry
	}
	// x/oauth2 caps expires_in at 2³¹ seconds, so this cannot overflow.
	return now.Add(time.Duration(tok.ExpiresIn) * time.Second)
}
