package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/profile"
)

// DefaultExpiryMargin is how long a saved access token must still be valid
// to be handed out, so whoever receives it has time to use it.
const DefaultExpiryMargin = 2 * time.Minute

// ErrNoTokens: the profile holds no token that can be used or renewed.
var ErrNoTokens = errors.New("there is no usable token")

// TokenStore is the part of the profile store the refresher needs: a
// read-modify-write under the lock every authwiz process shares, which
// writes nothing when fn fails or changes nothing.
type TokenStore interface {
	Update(name string, fn func(p *profile.Profile, sec *profile.Secrets) error) error
}

// StoredTokenSource hands out a saved profile's access token, refreshing
// it when needed, without ever losing a rotated refresh token: the saved
// token is re-read under the store's lock, a refresh happens under that
// lock, and the new tokens are saved before the access token is returned.
// A process that waited on the lock finds the refreshed token and uses it.
// A rejected refresh token is kept, not deleted. Each call takes the
// lock; wrap the source in oauth2.ReuseTokenSource when calling it often.
type StoredTokenSource struct {
	Store   TokenStore
	Profile string
	HTTP    *http.Client     // nil means http.DefaultClient
	Now     func() time.Time // nil means time.Now
	Margin  time.Duration    // 0 means DefaultExpiryMargin
}

// Token is TokenContext without a deadline, for oauth2.TokenSource.
func (s *StoredTokenSource) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext returns a valid access token for the profile.
func (s *StoredTokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if s.HTTP != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, s.HTTP)
	}
	var out *oauth2.Token
	err := s.Store.Update(s.Profile, func(p *profile.Profile, sec *profile.Secrets) error {
		now := s.now()
		if sec.AccessToken != "" && (sec.Expiry.IsZero() || sec.Expiry.After(now.Add(s.margin()))) {
			out = savedToken(*sec)
			return nil
		}
		if sec.RefreshToken == "" {
			return s.noRefreshToken(*sec)
		}
		conf := oauth2.Config{
			ClientID:     p.ClientID,
			ClientSecret: sec.ClientSecret,
			Endpoint:     oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		}
		tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: sec.RefreshToken}).Token()
		if err != nil {
			return tokenError(err, ErrRefreshRejected, fmt.Sprintf(
				"It expired after 90 days unused, was revoked, or was replaced by a newer consent: consent again with `%s`", profile.Command("login", s.Profile)))
		}
		sec.AccessToken = tok.AccessToken
		sec.TokenType = tok.TokenType
		sec.Expiry = Expiry(tok, now)
		// Atlassian rotates refresh tokens; a response without one means
		// the old one stays valid.
		if tok.RefreshToken != "" && tok.RefreshToken != sec.RefreshToken {
			sec.RefreshToken = tok.RefreshToken
			sec.RefreshIssuedAt = now
		}
		sec.GrantedScopes = grantedScopes(tok, sec.GrantedScopes)
		out = savedToken(*sec)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get an access token for profile %q: %w", s.Profile, err)
	}
	return out, nil
}

func (s *StoredTokenSource) noRefreshToken(sec profile.Secrets) error {
	if !sec.HasTokens() {
		return &Error{Kind: ErrNoTokens, Detail: "no consent has been given yet",
			Fix: fmt.Sprintf("Consent with `%s`", profile.Command("login", s.Profile))}
	}
	return &Error{Kind: ErrNoTokens, Detail: "the access token has expired and there is no refresh token",
		Fix: fmt.Sprintf("Add offline_access to the profile's scopes with `%s`, then consent again with `%s`", profile.Command("edit", s.Profile), profile.Command("login", s.Profile))}
}

func (s *StoredTokenSource) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *StoredTokenSource) margin() time.Duration {
	if s.Margin == 0 {
		return DefaultExpiryMargin
	}
	return s.Margin
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
