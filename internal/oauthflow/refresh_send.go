package oauthflow

import (
	"context"
	"errors"
	"net"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/profile"
)

// send spends the saved refresh token. The request runs on a context the
// caller cannot cancel, only the timeout can: a rotated answer must not be
// dropped because someone pressed Ctrl-C after it was asked for.
func (s *StoredTokenSource) send(ctx context.Context, g profile.Grant) (*profile.Refreshed, error) {
	reqCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout())
	defer cancel()
	if s.HTTP != nil {
		reqCtx = context.WithValue(reqCtx, oauth2.HTTPClient, s.HTTP)
	}
	p, sec := g.Profile, g.Secrets
	conf := oauth2.Config{
		ClientID:     p.ClientID,
		ClientSecret: sec.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}
	tok, err := conf.TokenSource(reqCtx, &oauth2.Token{RefreshToken: sec.RefreshToken}).Token()
	if err != nil {
		return nil, err
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
	}, nil
}

// notSent reports whether err shows the request never left: no connection
// to the server (or to the proxy in front of it) was made, so the refresh
// token was not spent.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}
