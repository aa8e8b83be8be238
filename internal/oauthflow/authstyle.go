package oauthflow

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// How a token endpoint takes the client's credentials, as
// Profile.TokenAuthStyle remembers it.
const (
	// AuthStyleBody sends client_id and client_secret in the form body:
	// what Atlassian documents, and what authwiz tries first elsewhere.
	AuthStyleBody = "body"
	// AuthStyleBasic sends them as HTTP Basic authentication (RFC 6749,
	// section 2.3.1), which some servers insist on.
	AuthStyleBasic = "basic"
)

// atlassianTokenHost serves Atlassian's token endpoint, which takes the
// credentials in the body only: a second try with HTTP Basic would only
// replace its error with a less telling one.
const atlassianTokenHost = "auth.atlassian.com"

// tokenCall makes one call to the token endpoint. The credentials go the
// way style says; when it is unknown and the server is not Atlassian's,
// in the body first and, when the server refuses the client that way,
// again with HTTP Basic, as x/oauth2's auto-detection does (in the other
// order, so that a wrong secret is reported from the first answer). It
// returns the style that was found, or "" when nothing had to be found.
func tokenCall(ctx context.Context, conf oauth2.Config, style string,
	call func(context.Context, *oauth2.Config) (*oauth2.Token, error)) (*oauth2.Token, string, error) {
	switch {
	case isAtlassian(conf.Endpoint.TokenURL):
		conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
		tok, err := call(ctx, &conf)
		return tok, "", err
	case style == AuthStyleBody || style == AuthStyleBasic:
		conf.Endpoint.AuthStyle = authStyleOf(style)
		tok, err := call(ctx, &conf)
		return tok, "", err
	}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	tok, err := call(ctx, &conf)
	if err == nil {
		return tok, AuthStyleBody, nil
	}
	if !clientRefused(err) {
		return nil, "", err
	}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	tok, basicErr := call(ctx, &conf)
	if basicErr != nil {
		return nil, "", err
	}
	return tok, AuthStyleBasic, nil
}

func authStyleOf(style string) oauth2.AuthStyle {
	if style == AuthStyleBasic {
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleInParams
}

func isAtlassian(tokenURL string) bool {
	u, err := url.Parse(tokenURL)
	return err == nil && strings.EqualFold(u.Hostname(), atlassianTokenHost)
}

// clientRefused reports whether the token endpoint refused the client
// itself, so its credentials may just have been sent the wrong way. Such
// an answer consumed neither the code nor the refresh token.
func clientRefused(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return false
	}
	switch re.ErrorCode {
	case "invalid_client", "unauthorized_client", "invalid_request":
		return true
	}
	return re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized
}
