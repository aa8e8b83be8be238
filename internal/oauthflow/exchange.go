package oauthflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Grant is what the exchange produced.
type Grant struct {
	Token *oauth2.Token
	// Granted are the scopes the server says it granted; when it says
	// nothing, what was requested (RFC 6749, section 5.1).
	Granted []string
	// Missing are requested scopes that were not granted. offline_access
	// counts as granted whenever a refresh token came back.
	Missing []string
	// TokenAuthStyle is how the token endpoint took the client's
	// credentials (AuthStyleBody or AuthStyleBasic), for the profile to
	// remember; empty for Atlassian's, which takes them in the body.
	TokenAuthStyle string
}

// Exchange trades the callback's code for tokens. When offline_access was
// requested it fails with ErrNoRefreshToken unless a refresh token came.
func (s *Session) Exchange(ctx context.Context, cb Callback) (Grant, error) {
	// A consent finds the style anew: the Token URL may have changed since.
	tok, style, err := tokenCall(s.clientContext(ctx), s.conf, "", func(ctx context.Context, conf *oauth2.Config) (*oauth2.Token, error) {
		return conf.Exchange(ctx, cb.Code)
	})
	if err != nil {
		return Grant{}, tokenError(err, ErrCodeRejected, fmt.Sprintf(
			"The code was already used or has expired, or the Redirect URL differs from the app's Callback URL: make the Callback URL in the Atlassian Developer Console exactly %s and start the consent again", s.redirect), time.Now())
	}
	requested := s.conf.Scopes
	if slices.Contains(requested, OfflineAccessScope) && tok.RefreshToken == "" {
		return Grant{}, &Error{Kind: ErrNoRefreshToken,
			Fix: "authwiz asked for offline_access, without which the access token cannot be renewed after it expires; start the consent again, and if this repeats check the app's Authorization settings in the Atlassian Developer Console"}
	}
	granted := grantedScopes(tok, requested)
	var missing []string
	for _, scope := range requested {
		if slices.Contains(granted, scope) || scope == OfflineAccessScope && tok.RefreshToken != "" {
			continue
		}
		missing = append(missing, scope)
	}
	return Grant{Token: tok, Granted: granted, Missing: missing, TokenAuthStyle: style}, nil
}

// grantedScopes reads the scope field of a token response. When the
// server left it out the grant is unchanged: the requested scopes after an
// exchange (RFC 6749, section 5.1), the saved ones after a refresh.
func grantedScopes(tok *oauth2.Token, unchanged []string) []string {
	if scope, _ := tok.Extra("scope").(string); strings.TrimSpace(scope) != "" {
		return strings.Fields(scope)
	}
	return slices.Clone(unchanged)
}
