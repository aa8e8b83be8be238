package atlassian

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/validate"
)

// maxResponse bounds what authwiz reads from any API answer.
const maxResponse = 1 << 20

// maxMessage bounds how much of Atlassian's own error text is repeated.
const maxMessage = 200

// Rate limits: every call here is a GET that changes nothing, so a 429 is
// waited out and the call made again, as long as Atlassian asks for a
// short wait. A longer one is reported with the time to try again.
const (
	maxAttempts  = 3
	maxRetryWait = 30 * time.Second
	// firstBackoff is the wait when a 429 says nothing; it doubles.
	firstBackoff = 2 * time.Second
)

// defaultHTTP is the bounded client used when Client.HTTP is nil.
var defaultHTTP = sync.OnceValue(httpclient.Default)

// call is one GET against the API.
type call struct {
	path  string
	doing string // what authwiz is trying, for the error: "read a Confluence space"
	scope string // the scope the call needs, if any
}

func (c *Client) get(ctx context.Context, accessToken string, cl call, into any) error {
	base := strings.TrimSuffix(cmp.Or(c.BaseURL, DefaultAPIBaseURL), "/")
	ctx = httpclient.WithSetting(ctx, "the API base URL")
	for attempt := 1; ; attempt++ {
		status, header, body, err := c.fetch(ctx, accessToken, base+cl.path)
		if err != nil {
			return transportError(ctx, cl.doing, base, err)
		}
		if status == http.StatusTooManyRequests && attempt < maxAttempts {
			wait, known := httpclient.RetryAfter(header, c.clock())
			if !known {
				wait = firstBackoff << (attempt - 1)
			}
			if wait <= maxRetryWait {
				if err := c.pause(ctx, wait); err != nil {
					return fmt.Errorf("%s: %w", cl.doing, err)
				}
				continue
			}
		}
		if status != http.StatusOK {
			return apiError(status, header, cl, body, c.clock())
		}
		if err := json.Unmarshal(body, into); err != nil {
			return fmt.Errorf("could not %s: the answer from %s is not what Atlassian sends (%v); check the API base URL", cl.doing, base, err)
		}
		return nil
	}
}

// fetch makes one GET and reads its answer.
func (c *Client) fetch(ctx context.Context, accessToken, address string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, address, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	client := c.HTTP
	if client == nil {
		client = defaultHTTP()
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

func (c *Client) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// pause waits d or until ctx is done.
func (c *Client) pause(ctx context.Context, d time.Duration) error {
	if c.wait != nil {
		return c.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// transportError says what to do when no answer came at all.
func transportError(ctx context.Context, doing, base string, err error) error {
	var timeout *httpclient.TimeoutError
	var cert *tls.CertificateVerificationError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", doing, ctx.Err())
	case errors.As(err, &timeout):
		return fmt.Errorf("could not %s: %w", doing, timeout)
	case errors.As(err, &cert):
		return fmt.Errorf("could not %s: the certificate of %s is not trusted (%w). If a proxy inspects HTTPS on this network, "+
			"add its root certificate to the system's trusted certificates; otherwise check the API base URL", doing, base, withoutAddress(err))
	}
	return fmt.Errorf("could not %s: %w. Check the network connection (and any proxy) to %s", doing, withoutAddress(err), base)
}

// withoutAddress drops the request's full address net/http puts in its
// errors: the query string is nobody's business, and base says where.
func withoutAddress(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// APIError is an answer from Atlassian that was not a success, put in
// plain words with what to do.
type APIError struct {
	Status  int
	Doing   string // what authwiz was trying, e.g. "list the sites the token reaches"
	Message string // Atlassian's own words, cleaned for display
	// MissingScope is the scope the call needs, when Atlassian said the
	// grant does not include it.
	MissingScope string
	// SiteNotReached is the cloud ID of the site a 401 was about, when the
	// token works but the consent did not choose that site.
	SiteNotReached string
	// RetryAt is when Atlassian said to try again after a 429; zero when
	// it did not say or the answer was not a 429.
	RetryAt time.Time
	Fix     string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("could not %s: Atlassian answered %d", e.Doing, e.Status)
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	return msg + ". " + e.Fix
}

func apiError(status int, header http.Header, cl call, body []byte, now time.Time) *APIError {
	var e struct {
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	msg := oneLine(cmp.Or(e.Message, e.ErrorDescription, e.Error))
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage]) + "…"
	}
	out := &APIError{Status: status, Doing: cl.doing, Message: msg}
	switch {
	case status == http.StatusUnauthorized && strings.Contains(strings.ToLower(msg), "scope does not match"):
		out.MissingScope = cl.scope
		out.Fix = "The grant lacks a scope this call needs: add it under Permissions in the Developer Console and to the profile's scopes, then consent again with `authwiz login NAME`."
		if cl.scope != "" {
			out.Fix = fmt.Sprintf("The grant lacks %s: add it under Permissions in the Developer Console (%s) and to the profile's scopes, then consent again with `authwiz login NAME`.", cl.scope, DeveloperConsoleURL)
		}
	case status == http.StatusUnauthorized:
		out.Fix = "The access token was refused (expired or revoked): consent again with `authwiz login NAME`."
	case status == http.StatusForbidden:
		out.Fix = "The account that consented may not do this on the site: consent with an account that has access, or ask a site admin."
	case status == http.StatusNotFound:
		out.Fix = "The site is not reachable with this grant any more: run `authwiz login NAME` to refresh the list of sites."
	case status == http.StatusTooManyRequests:
		limit, _ := RateLimitOf(&http.Response{StatusCode: status, Header: header}, now)
		out.RetryAt = limit.RetryAt
		out.Fix = "Atlassian is limiting requests for now: " + limit.Advice(now) + "."
	case status >= 500:
		out.Fix = "Atlassian is having trouble: try again in a few minutes."
	default:
		out.Fix = "Try again; if it keeps failing, check Atlassian's status page."
	}
	return out
}

// oneLine cleans server-provided text for display on one line: no escape
// sequences or control characters, and inner line breaks and runs of
// spaces become one space, so a name cannot push the layout around.
func oneLine(s string) string {
	return strings.Join(strings.Fields(validate.Sanitize(s)), " ")
}
