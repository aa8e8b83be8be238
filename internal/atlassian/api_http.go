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
	"strings"

	"github.com/authwiz/authwiz/internal/validate"
)

// maxResponse bounds what authwiz reads from any API answer.
const maxResponse = 1 << 20

// maxMessage bounds how much of Atlassian's own error text is repeated.
const maxMessage = 200

// call is one GET against the API.
type call struct {
	path  string
	doing string // what authwiz is trying, for the error: "read a Confluence space"
	scope string // the scope the call needs, if any
}

func (c *Client) get(ctx context.Context, accessToken string, cl call, into any) error {
	base := strings.TrimSuffix(cmp.Or(c.BaseURL, DefaultAPIBaseURL), "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+cl.path, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.doing, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := cmp.Or(c.HTTP, http.DefaultClient).Do(req)
	if err != nil {
		return transportError(ctx, cl.doing, base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("could not %s: reading the answer: %w", cl.doing, err)
	}
	if resp.StatusCode != http.StatusOK {
		return apiError(resp.StatusCode, cl, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("could not %s: the answer from %s is not what Atlassian sends (%v); check the API base URL", cl.doing, base, err)
	}
	return nil
}

// transportError says what to do when no answer came at all.
func transportError(ctx context.Context, doing, base string, err error) error {
	var cert *tls.CertificateVerificationError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", doing, ctx.Err())
	case errors.As(err, &cert):
		return fmt.Errorf("could not %s: the certificate of %s is not trusted (%w). If a proxy inspects HTTPS on this network, "+
			"add its root certificate to the system's trusted certificates; otherwise check the API base URL", doing, base, err)
	}
	return fmt.Errorf("could not %s: %w. Check the network connection (and any proxy) to %s", doing, err, base)
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
	Fix          string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("could not %s: Atlassian answered %d", e.Doing, e.Status)
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	return msg + ". " + e.Fix
}

func apiError(status int, cl call, body []byte) *APIError {
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
		out.Fix = "Atlassian is limiting requests: wait a minute and try again."
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
