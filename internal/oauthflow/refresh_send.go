package oauthflow

import (
	"context"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/profile"
)

// send spends the saved refresh token. The request runs on a context the
// caller cannot cancel, only the timeout can: a rotated answer must not be
// dropped because someone pressed Ctrl-C after it was asked for. style is
// the client authentication style found on the way, if one had to be.
func (s *StoredTokenSource) send(ctx context.Context, g profile.Grant) (answer *profile.Refreshed, style string, err error) {
	reqCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout())
	defer cancel()
	reqCtx = context.WithValue(httpclient.WithSetting(reqCtx, tokenURLSetting), oauth2.HTTPClient, s.client())
	p, sec := g.Profile, g.Secrets
	conf := oauth2.Config{
		ClientID:     p.ClientID,
		ClientSecret: sec.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL},
	}
	tok, style, err := tokenCall(reqCtx, conf, p.TokenAuthStyle, func(ctx context.Context, conf *oauth2.Config) (*oauth2.Token, error) {
		return conf.TokenSource(ctx, &oauth2.Token{RefreshToken: sec.RefreshToken}).Token()
	})
	if err != nil {
		return nil, "", err
	}
	at := s.now().UTC()
	expiry := Expiry(tok, at)
	if expiry.IsZero() {
		expiry = at.Add(UnknownLifetime)
	}
	return &profile.Refreshed{
		AccessToken:   tok.AccessToken,
		RefreshToken:  tok.RefreshToken,
		TokenType:     tok.TokenType,
		Expiry:        expiry,
		GrantedScopes: grantedScopes(tok, sec.GrantedScopes),
		At:            at,
	}, style, nil
}

// client is the caller's HTTP client, or one bounded by the timeout.
func (s *StoredTokenSource) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return httpclient.New(httpclient.Config{Overall: s.timeout()})
}

// rememberStyle keeps the client authentication style a refresh found, so
// the next one sends the credentials that way at once. Failing to keep it
// costs only the same search next time, so the refresh does not fail.
func (s *StoredTokenSource) rememberStyle(style string) {
	if style == "" {
		return
	}
	_ = s.Store.Update(s.Profile, func(p *profile.Profile, _ *profile.Secrets) error {
		p.TokenAuthStyle = style
		return nil
	})
}
