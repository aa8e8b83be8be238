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
	"sync"
)

// pagePatterns pick out of the rehearsal's pages what a browser acts on.
type pagePatterns struct {
	consentID, formAction *regexp.Regexp
	// site finds the sites offered under "Use app on"; the first, empty
	// option ("Choose a site") does not match.
	site      *regexp.Regexp
	errorText *regexp.Regexp
}

// patterns are compiled at the first page read, not at start-up: this
// package is in every authwiz, and most runs (a token for a script) never
// follow a consent.
var patterns = sync.OnceValue(func() *pagePatterns {
	return &pagePatterns{
		consentID:  regexp.MustCompile(`name="consent_id" value="([^"]+)"`),
		formAction: regexp.MustCompile(`<form method="post" action="([^"]+)"`),
		site:       regexp.MustCompile(`<option value="([^"]+)">`),
		errorText:  regexp.MustCompile(`<p id="error">([^<]*)</p>`),
	}
})

// FollowConsent does what a person in a browser does with an authorization
// URL: opens it, answers the consent page with Accept (allow), choosing the
// first site under "Use app on", or Cancel, and follows the redirect back
// to the redirect_uri, i.e. into the loopback listener of whoever is being
// tested. It returns that last response, the listener's page, with its body
// unread: the caller closes it.
//
// client is the browser; nil means http.DefaultClient. A client whose
// CheckRedirect returns http.ErrUseLastResponse stops at the server's 302
// instead, so a test can read the Location (code, state or error) without
// anything listening there.
//
// When the server refuses the authorization URL, or the answer to the
// consent page, it returns a *RefusedError holding the server's error page:
// the browser stops there, as on Atlassian's, and never comes back.
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
	m, a := patterns().consentID.FindSubmatch(page), patterns().formAction.FindSubmatch(page)
	if m == nil || a == nil {
		return nil, errors.New("the authorization URL did not lead to a consent page")
	}
	form := url.Values{"consent_id": {string(m[1])}, "decision": {decisionCancel}}
	if allow {
		site := patterns().site.FindSubmatch(page)
		if site == nil {
			return nil, errors.New("the consent page offers no site to use the app on")
		}
		form.Set("decision", decisionAccept)
		form.Set("site", html.UnescapeString(string(site[1])))
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
	if resp.StatusCode >= 400 && resp.Request.URL.Host == action.Host || toErrorPage(resp, action) {
		// The server refused the answer (an expired consent page, a site
		// whose admin must authorize the app): the browser stops on its
		// error page, as it does on a refused authorization URL.
		return nil, refused(resp)
	}
	return resp, nil
}

// toErrorPage reports whether resp is a redirect not yet followed to the
// server's error page.
func toErrorPage(resp *http.Response, server *url.URL) bool {
	loc, err := resp.Location()
	return err == nil && loc.Host == server.Host && loc.Path == errorPath
}

// refused reads the server's error page and closes resp. A client that
// does not follow redirects stops at the way to the error page, whose
// address holds the error all the same.
func refused(resp *http.Response) error {
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if err != nil {
		return err
	}
	at := resp.Request.URL
	if loc, err := resp.Location(); err == nil {
		at = loc
	}
	return &RefusedError{Status: resp.StatusCode, URL: at.String(), Page: string(page)}
}

// maxPage bounds what is read of a page from the server.
const maxPage = 1 << 20

// RefusedError is the server's error page, where the browser stops.
type RefusedError struct {
	Status int
	// URL is the error page's address, which an admin would paste.
	URL  string
	Page string
}

func (e *RefusedError) Error() string {
	msg := e.Page
	if m := patterns().errorText.FindStringSubmatch(e.Page); m != nil {
		msg = html.UnescapeString(m[1])
	} else if u, err := url.Parse(e.URL); err == nil && u.Query().Has("error_description") {
		msg = u.Query().Get("error_description")
	}
	return fmt.Sprintf("the authorization server refused the request (%d): %s", e.Status, msg)
}
