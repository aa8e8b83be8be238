package server

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
// listener of whoever is being tested. It returns that last response, the
// listener's page, with its body unread: the caller closes it.
//
// client is the browser; nil means http.DefaultClient. A client whose
// CheckRedirect returns http.ErrUseLastResponse stops at the server's 302
// instead, so a test can read the Location (code, state or error) without
// anything listening there.
//
// When the server refuses the authorization URL, or the answer to the
// consent page, it returns a *RefusedError holding the server's message:
// the browser stops on Atlassian's error page and never comes back.
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
	if resp.StatusCode != http.StatusOK {
		return nil, refused(resp)
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	resp.Body.Close()
	if err != nil {
		return nil, err
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
	resp, err = client.Do(post)
	if err != nil {
		return nil, fmt.Errorf("answer the consent page: %w", err)
	}
	if resp.StatusCode >= 400 && resp.Request.URL.String() == action.String() {
		// The server refused the answer itself (an expired consent page):
		// the browser stops there, as it does on a refused authorization URL.
		return nil, refused(resp)
	}
	return resp, nil
}

// refused reads the server's error page and closes resp.
func refused(resp *http.Response) error {
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if err != nil {
		return err
	}
	return &RefusedError{Status: resp.StatusCode, Page: string(page)}
}

// maxPage bounds what is read of a page from the server.
const maxPage = 1 << 20

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
