package profile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Grant is a profile's tokens as the refresh protocol sees them: the saved
// profile and secrets, and what the refresh journal says of an earlier
// refresh that did not finish.
type Grant struct {
	Profile Profile
	Secrets Secrets
	// Pending is an earlier refresh of these very tokens that was sent
	// and never saved; nil when there is none.
	Pending *PendingRefresh
}

// PendingRefresh is a refresh the journal says was sent and not saved.
type PendingRefresh struct {
	// Since is when its first attempt was sent.
	Since time.Time
	// Answer is what the server answered, kept because saving it failed;
	// nil when the answer was lost (the process was killed before it came).
	Answer *Refreshed
	// Journal is the file that records it, for messages.
	Journal string
}

// Refreshed is what one refresh produced: the token values that replace
// the spent ones.
type Refreshed struct {
	AccessToken string `toml:"access_token"`
	// RefreshToken is empty when the server kept the old one.
	RefreshToken  string    `toml:"refresh_token,omitempty"`
	TokenType     string    `toml:"token_type,omitempty"`
	Expiry        time.Time `toml:"expiry,omitempty"`
	GrantedScopes []string  `toml:"granted_scopes,omitempty"`
	// At is when the answer came.
	At time.Time `toml:"at"`
}

// Format keeps the tokens out of every fmt verb, as Secrets does.
func (r Refreshed) Format(f fmt.State, _ rune) { fmt.Fprint(f, "profile.Refreshed{REDACTED}") }

// LogValue keeps the tokens out of structured logs.
func (r Refreshed) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// apply puts r in place of the spent tokens in sec.
func (r Refreshed) apply(sec *Secrets) {
	sec.AccessToken = r.AccessToken
	sec.TokenType = r.TokenType
	sec.Expiry = r.Expiry
	sec.AccessIssuedAt = r.At
	sec.GrantedScopes = r.GrantedScopes
	if r.RefreshToken != "" && r.RefreshToken != sec.RefreshToken {
		sec.RefreshToken = r.RefreshToken
		sec.RefreshIssuedAt = r.At
	}
	sec.RefreshFailure, sec.RefreshFailedAt = "", time.Time{}
}

// Outcome is how a claimed refresh ended. The zero Outcome says the
// refresh token was not spent: nothing was sent, or the server refused
// without using it.
type Outcome struct {
	// Refreshed is the server's answer, to save.
	Refreshed *Refreshed
	// Failure (RefreshRejected or RefreshInterrupted) and FailedAt are
	// remembered instead when the refresh token no longer works.
	Failure  string
	FailedAt time.Time
}

// GrantClaim is the right to spend one profile's refresh token, held
// until Release: no other process refreshes that profile meanwhile, while
// every other profile, and every read, goes on unhindered.
type GrantClaim interface {
	// Grant is the profile's grant as read after the claim was taken:
	// another process may have refreshed it a moment before.
	Grant() Grant
	// Begin proves the new tokens can be saved (their space is taken and
	// synced now, so a read-only or full disk fails before anything is
	// spent) and records in the refresh journal that a refresh is being
	// sent at at. Only after it succeeds may the refresh token be sent.
	// A retry of a pending refresh keeps that refresh's first time.
	Begin(at time.Time) error
	// Commit records how the refresh ended and clears the journal. An
	// answer is first kept in the journal, then saved. When the save
	// fails the error is a *NotSavedError saying where the answer was
	// kept; ErrSuperseded says the grant changed meanwhile.
	Commit(Outcome) (Grant, error)
	// Release gives the claim up. A journal entry that Commit did not
	// clear stays for the next claim to act on.
	Release()
}

// ErrSuperseded: the grant a refresh spent was replaced while it ran (a new
// consent, or the profile was deleted), so its answer was not saved.
var ErrSuperseded = errors.New("the profile's tokens changed during the refresh")

// CannotSaveError says why new tokens could not be saved, found before
// the refresh token was spent.
type CannotSaveError struct {
	Dir string
	Err error
}

func (e *CannotSaveError) Error() string {
	return fmt.Sprintf("new tokens cannot be saved in %s: %v", e.Dir, e.Err)
}

func (e *CannotSaveError) Unwrap() error { return e.Err }

// NotSavedError says a refresh's answer could not be saved, and where it
// was kept instead.
type NotSavedError struct {
	Err error
	// KeptIn is the file holding the answer until the next claim saves it;
	// empty when it could not be kept either (KeepErr says why).
	KeptIn  string
	KeepErr error
	// Since is when the refresh was first sent.
	Since time.Time
}

func (e *NotSavedError) Error() string {
	msg := fmt.Sprintf("the new tokens could not be saved: %v", e.Err)
	if e.KeptIn != "" {
		return msg + "; they are kept in " + e.KeptIn
	}
	if e.KeepErr != nil {
		msg += fmt.Sprintf("; keeping them elsewhere failed too: %v", e.KeepErr)
	}
	return msg
}

func (e *NotSavedError) Unwrap() error { return e.Err }

// ReadGrant reads a profile's grant without claiming it: it never waits
// for a refresh in progress.
func (s *Store) ReadGrant(_ context.Context, name string) (Grant, error) {
	p, sec, err := s.Get(name)
	if err != nil {
		return Grant{}, err
	}
	return Grant{Profile: p, Secrets: sec, Pending: s.refreshRecords(p.Name).pending(sec)}, nil
}

// generation identifies a refresh token without revealing it: the journal
// records which one a refresh spent, so a record about tokens replaced
// since is recognised and ignored.
func generation(refreshToken string) string {
	if refreshToken == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(refreshToken))
	return hex.EncodeToString(sum[:12])
}
