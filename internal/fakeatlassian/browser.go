package fakeatlassian

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var (
	consentIDPattern  = regexp.MustCompile(`name="consent_id" value="([^"]+)"`)
	formActionPattern = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// FollowConsent does what a person in a browser does with an authorization
// URL: opens it, answers the consent page with Allow (allow) or Deny, and
// follows the redirect back to the redirect_uri, i.e. into the loopback
// listener of whoever is being tested. It returns that last response (its
// body unread). When the server refuses the request outright it returns an
// error holding the server's message, as the browser would show it.
func FollowConsent(ctx context.Context, client *http.Client, authURL string, allow bool) (*http.Response, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("open the authorization URL: %w", err)
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &RefusedError{Status: resp.StatusCode, Page: string(page)}
	}
	m, a := consentIDPattern.FindSubmatch(page), formActionPattern.FindSubmatch(page)
	if m == nil || a == nil {
		return nil, errors.New("the authorization URL did not lead to a consent page")
	}
	decision := "deny"
	if allow {
		decision = "allow"
	}
	action, err := url.Parse(authURL)
	if err != nil {
		return nil, err
	}
	ref, err := url.Parse(html.UnescapeString(string(a[1])))
	if err != nil {
		return nil, err
	}
	action = action.ResolveReference(ref)
	form := url.Values{"consent_id": {string(m[1])}, "decision": {decision}}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// The client follows the 302 to the redirect_uri, as a browser would.
	return client.Do(post)
}

// RefusedError is the server's own error page, where the browser stops.
type RefusedError struct {
	Status int
	Page   string
}

var errorTextPattern = regexp.MustCompile(`<p id="error">([^<]*)</p>`)

func (e *RefusedError) Error() string {
	msg := e.Page
	if m := errorTextPattern.FindStringSubmatch(e.Page); m != nil {
		msg = html.UnescapeString(m[1])
	}
	return fmt.Sprintf("the authorization server refused the request (%d): %s", e.Status, msg)
}
