package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/profile"
)

// Kinds of refresh failure beyond the token endpoint's own (errors.go).
var (
	// ErrRefreshInterrupted: a refresh was sent and its answer lost, and
	// the reuse interval in which it could be retried is over. It counts
	// as ErrRefreshRejected too: only a new consent helps.
	ErrRefreshInterrupted = errors.New("a refresh was interrupted before its answer was saved")
	// ErrCannotSave: new tokens could not be saved, found before the
	// refresh token was spent, so no refresh was made.
	ErrCannotSave = errors.New("authwiz did not refresh the token, as it could not save the new one")
	// ErrNotSaved: the server sent new tokens that could not be saved.
	ErrNotSaved = errors.New("the refreshed tokens could not be saved")
)

// causesOfRejection are Atlassian's reasons to refuse a refresh token, in
// the order its documentation lists them: a changed password first, as
// the one an admin is least likely to think of.
const causesOfRejection = "Atlassian refuses a refresh token when the password of the account that consented was changed, " +
	"when it went unused for 90 days, 365 days after the consent however often it was used, " +
	"when the app's access was revoked (or the app deleted), " +
	"or when a refresh token was used again after a refresh had replaced it (an earlier one reused after the 10-minute leeway)"

func (s *StoredTokenSource) login() string { return "`" + profile.Command("login", s.Profile) + "`" }
func (s *StoredTokenSource) again() string { return "`" + profile.Command("token", s.Profile) + "`" }

// remembered reports a refresh token already known not to work, without
// asking the server again.
func (s *StoredTokenSource) remembered(g profile.Grant) error {
	sec := g.Secrets
	switch {
	case sec.RefreshToken == "":
		return nil
	case sec.RefreshFailure == profile.RefreshInterrupted:
		return s.interrupted(sec.RefreshFailedAt)
	case sec.RefreshFailure == profile.RefreshRejected:
		return &Error{Kind: ErrRefreshRejected, Detail: "on " + when(sec.RefreshFailedAt),
			Fix: s.likelyCause(g) + causesOfRejection + ". Consent again with " + s.login()}
	}
	return nil
}

// rejected explains a refresh token the server just refused.
func (s *StoredTokenSource) rejected(g profile.Grant, err error) error {
	return tokenError(err, ErrRefreshRejected, s.likelyCause(g)+causesOfRejection+". Consent again with "+s.login(), s.now())
}

// likelyCause names the cause the saved dates point to, if any.
func (s *StoredTokenSource) likelyCause(g profile.Grant) string {
	out := g.Profile.Outlook(s.now())
	switch {
	case out.GrantEnds.Known() && out.GrantEnds.DaysLeft < 0:
		return fmt.Sprintf("The grant was given on %s, over 365 days ago: Atlassian's limit. ", when(g.Secrets.ConsentedAt))
	case out.UnusedEnds.Known() && out.UnusedEnds.DaysLeft < 0:
		return fmt.Sprintf("The refresh token was last renewed on %s, over 90 days ago. ", when(g.Secrets.RefreshIssuedAt))
	}
	return ""
}

func (s *StoredTokenSource) interrupted(since time.Time) error {
	return &Error{Kind: ErrRefreshInterrupted, Err: ErrRefreshRejected,
		Detail: fmt.Sprintf("sent at %s; authwiz or the computer stopped before the answer was saved, "+
			"and Atlassian accepts the previous refresh token for only %d minutes after a refresh", when(since), int(ReuseInterval.Minutes())),
		Fix: "The grant has to be renewed: consent again with " + s.login()}
}

// noAnswer explains a request that may have reached the server and got
// no usable answer: the server may have rotated the token, so the journal
// keeps the refresh for the next call to retry in time.
func (s *StoredTokenSource) noAnswer(g profile.Grant, err error) error {
	var detail string
	var te *httpclient.TimeoutError
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		detail = fmt.Sprintf("%s did not answer within %s", endpoint(g.Profile.TokenURL), seconds(s.timeout()))
	} else {
		detail = "could not reach " + endpoint(g.Profile.TokenURL) + ": " + serverText(err.Error())
	}
	retryBy := s.now().Add(retryWindow)
	if g.Pending != nil {
		retryBy = g.Pending.Since.Add(retryWindow)
	}
	return &Error{Kind: ErrNetwork, Detail: detail, Err: err,
		Fix: "Check the network connection, any proxy, and that the Token URL is right. The request may have reached the server: run " +
			s.again() + " again before " + clock(retryBy) + " and authwiz retries it while Atlassian still accepts the previous refresh token"}
}

// notSaved explains a refresh whose answer could not be saved.
func (s *StoredTokenSource) notSaved(err error) error {
	var ns *profile.NotSavedError
	if !errors.As(err, &ns) {
		if errors.Is(err, profile.ErrSuperseded) {
			return fmt.Errorf("%w (a new consent, or it was deleted); run the command again", err)
		}
		return err
	}
	if ns.KeptIn != "" {
		return &Error{Kind: ErrNotSaved, Detail: ns.Err.Error(), Err: err,
			Fix: "They are kept in " + ns.KeptIn + ". Fix the cause, then run " + s.again() + ": it saves them first"}
	}
	return &Error{Kind: ErrNotSaved, Detail: ns.Error(), Err: err,
		Fix: "Fix the cause and run " + s.again() + " before " + clock(ns.Since.Add(retryWindow)) +
			": until then Atlassian accepts the previous refresh token again. After that the grant has to be renewed with " + s.login()}
}

// cannotSave explains a save proven impossible before anything was spent.
func (s *StoredTokenSource) cannotSave(err error) error {
	var cs *profile.CannotSaveError
	if !errors.As(err, &cs) {
		return err
	}
	return &Error{Kind: ErrCannotSave, Detail: cs.Err.Error(), Err: err,
		Fix: "Nothing was spent: the saved refresh token is untouched. Make " + cs.Dir + " writable, or free space on its disk, and try again"}
}

func (s *StoredTokenSource) noRefreshToken(sec profile.Secrets) error {
	if !sec.HasTokens() {
		return &Error{Kind: ErrNoTokens, Detail: "no consent has been given yet",
			Fix: "Consent with " + s.login()}
	}
	return &Error{Kind: ErrNoTokens, Detail: "the access token has expired and there is no refresh token",
		Fix: fmt.Sprintf("Add offline_access to the profile's scopes with `%s`, then consent again with %s", profile.Command("edit", s.Profile), s.login())}
}

// endpoint names a token URL for a message: host and path, never a query.
func endpoint(tokenURL string) string {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Host == "" {
		return "the token endpoint"
	}
	return serverText(u.Host + strings.TrimRight(u.Path, "/"))
}

// when is a moment for a message, in local time with its zone.
func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05 MST") }

// clock is a moment later today, for a message.
func clock(t time.Time) string { return t.Local().Format("15:04:05 MST") }

// seconds says d the way people read a wait: "5 seconds", "1.5 seconds".
func seconds(d time.Duration) string {
	if d == time.Second {
		return "1 second"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " seconds"
}
