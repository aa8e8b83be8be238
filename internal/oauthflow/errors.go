package oauthflow

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/httpclient"
)

// Kinds of failure a caller may want to react to; test with errors.Is.
var (
	// ErrDenied: the admin declined the consent (error=access_denied).
	ErrDenied = errors.New("the consent was declined")
	// ErrAuthorization: the authorization server sent the browser back
	// with an error other than a refusal.
	ErrAuthorization = errors.New("the authorization server refused the request")
	// ErrTimedOut: nothing valid came back before the deadline.
	ErrTimedOut = errors.New("no answer came back from the browser in time")
	// ErrClosed: the session was closed before an answer came back.
	ErrClosed = errors.New("the consent was stopped")
	// ErrClientRejected: the token endpoint rejected the client ID or secret.
	ErrClientRejected = errors.New("the token endpoint rejected the client ID or secret")
	// ErrCodeRejected: the token endpoint rejected the authorization code.
	ErrCodeRejected = errors.New("the token endpoint rejected the authorization code")
	// ErrRefreshRejected: the saved refresh token no longer works.
	ErrRefreshRejected = errors.New("the saved refresh token was rejected")
	// ErrNoRefreshToken: offline access was asked for but no refresh token came.
	ErrNoRefreshToken = errors.New("no refresh token came back")
	// ErrRateLimited: the token endpoint answered 429 Too Many Requests.
	ErrRateLimited = errors.New("the token endpoint is limiting requests (429 Too Many Requests)")
	// ErrServer: the token endpoint failed on its side (HTTP 5xx).
	ErrServer = errors.New("the token endpoint had a problem")
	// ErrNetwork: the token endpoint could not be reached, or did not
	// answer in time.
	ErrNetwork = errors.New("no answer came from the token endpoint")
	// ErrTokenEndpoint: any other answer from the token endpoint that
	// gave no token.
	ErrTokenEndpoint = errors.New("the token endpoint gave no token")
	// ErrPortBusy: the Redirect URL's port could not be listened on.
	ErrPortBusy = errors.New("the Redirect URL's port cannot be used")
)

// Error is a failure explained for people: what happened (Kind, with any
// detail the server gave) and what to do about it (Fix).
type Error struct {
	Kind   error
	Detail string // server-provided text, already stripped of control characters
	Fix    string
	Err    error // the underlying cause, for errors.As
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(" (" + e.Detail + ")")
	}
	if e.Fix != "" {
		b.WriteString(". " + e.Fix)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDenied) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }

// Fixes shared by more than one kind of failure.
const (
	fixClient  = "Copy the Client ID and Secret again from the app's Settings page in the Atlassian Developer Console (a secret reset there stops the old one) and save them in authwiz"
	fixNetwork = "Check the network connection, any proxy or firewall, and that the Token URL is right, then try again"
	fixServer  = "Wait a few minutes and try again"
)

// tokenURLSetting is what a timeout of the token endpoint asks to check.
const tokenURLSetting = "the Token URL"

// tokenError turns a failed call to the token endpoint into an *Error.
// invalid_grant means different things for a code and for a refresh token,
// so the caller names that kind and its fix; now dates a Retry-After.
func tokenError(err error, grantKind error, grantFix string, now time.Time) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var te *httpclient.TimeoutError
	if errors.As(err, &te) {
		// The timeout already says which endpoint, how long and what to check.
		return &Error{Kind: ErrNetwork, Fix: te.Error(), Err: err}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		detail := describe(re.ErrorCode, re.ErrorDescription)
		if detail == "" && re.Response != nil {
			detail = re.Response.Status
		}
		switch {
		case re.ErrorCode == "invalid_grant":
			return &Error{Kind: grantKind, Detail: detail, Fix: grantFix, Err: err}
		// Atlassian answers a wrong client secret with access_denied.
		case re.ErrorCode == "invalid_client", re.ErrorCode == "unauthorized_client",
			re.ErrorCode == "access_denied", re.ErrorCode == "" && status == 401:
			return &Error{Kind: ErrClientRejected, Detail: detail, Fix: fixClient, Err: err}
		case status == http.StatusTooManyRequests:
			limit, _ := atlassian.RateLimitOf(re.Response, now)
			return &Error{Kind: ErrRateLimited, Detail: detail, Fix: limit.TokenAdvice(now), Err: err}
		case status >= 500:
			return &Error{Kind: ErrServer, Detail: detail, Fix: fixServer, Err: err}
		default:
			return &Error{Kind: ErrTokenEndpoint, Detail: detail,
				Fix: "Check that the Token URL is right; if it is, try again later", Err: err}
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &Error{Kind: ErrNetwork, Detail: serverText(ue.Err.Error()), Fix: fixNetwork, Err: err}
	}
	return &Error{Kind: ErrTokenEndpoint, Detail: serverText(err.Error()),
		Fix: "Check that the Token URL points at the token endpoint; if it does, try again later", Err: err}
}

// describe joins an OAuth error code and its description for display.
func describe(code, description string) string {
	code, description = serverText(code), serverText(description)
	switch {
	case code == "":
		return description
	case description == "":
		return code
	}
	return code + ": " + description
}
