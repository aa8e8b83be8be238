package profile

import (
	"fmt"
	"time"
)

// Atlassian's two limits on a refresh token.
const (
	// RefreshTokenLifetime is how long Atlassian keeps a refresh token that
	// is not used; each rotation starts it again.
	RefreshTokenLifetime = 90 * 24 * time.Hour
	// GrantLifetime is how long a grant lasts from its consent however
	// often it is used: after it, only a new consent gives tokens.
	GrantLifetime = 365 * 24 * time.Hour
	// WarnAhead is how long before either limit authwiz starts to warn.
	WarnAhead = 14 * 24 * time.Hour
)

// Tokens describes a profile's tokens without their values. The store keeps
// it in the settings, in step with the secrets, so listing profiles with
// their state needs neither the secrets file nor the keyring.
type Tokens struct {
	HasAccess       bool      `toml:"has_access,omitempty"`
	AccessExpiry    time.Time `toml:"access_expiry,omitempty"`
	HasRefresh      bool      `toml:"has_refresh,omitempty"`
	RefreshIssuedAt time.Time `toml:"refresh_issued_at,omitempty"`
	ConsentedAt     time.Time `toml:"consented_at,omitempty"`
	RefreshFailure  string    `toml:"refresh_failure,omitempty"`
	RefreshFailedAt time.Time `toml:"refresh_failed_at,omitempty"`
}

// TokensOf describes sec without its values.
func TokensOf(sec Secrets) Tokens {
	return Tokens{
		HasAccess:       sec.AccessToken != "",
		AccessExpiry:    sec.Expiry,
		HasRefresh:      sec.RefreshToken != "",
		RefreshIssuedAt: sec.RefreshIssuedAt,
		ConsentedAt:     sec.ConsentedAt,
		RefreshFailure:  sec.RefreshFailure,
		RefreshFailedAt: sec.RefreshFailedAt,
	}
}

// Health is whether a profile can hand out a working token now.
type Health int

const (
	// Healthy: a token is valid or can be refreshed.
	Healthy Health = iota
	// Expiring: the access token is valid but cannot be refreshed.
	Expiring
	// NeedsConsent: only a new consent (`authwiz login`) gives a token.
	NeedsConsent
)

// TokenState says whether the profile can hand out a token now, with a few
// words for people: "valid", "expires in 42m", "needs consent (expired)".
// A refresh token the server refused, or one lost to an interrupted
// refresh, is remembered: it never reads as valid again.
func (p Profile) TokenState(now time.Time) (Health, string) {
	t := p.Tokens
	out := p.Outlook(now)
	switch {
	case !t.HasAccess && !t.HasRefresh:
		return NeedsConsent, "needs consent"
	case p.TokensStale:
		return NeedsConsent, "needs consent (settings changed)"
	case t.HasRefresh && t.RefreshFailure == RefreshRejected:
		return NeedsConsent, "needs consent (refresh token rejected)"
	case t.HasRefresh && t.RefreshFailure == RefreshInterrupted:
		return NeedsConsent, "needs consent (refresh interrupted)"
	case t.HasRefresh && out.GrantEnds.Known() && !out.GrantEnds.At.After(now):
		return NeedsConsent, "needs consent (365-day limit reached)"
	case t.HasRefresh && out.UnusedEnds.Known() && !out.UnusedEnds.At.After(now):
		return NeedsConsent, "needs consent (unused 90 days)"
	case t.HasRefresh:
		return Healthy, "valid"
	case t.AccessExpiry.After(now):
		return Expiring, "expires in " + RoughDuration(t.AccessExpiry.Sub(now))
	default:
		return NeedsConsent, "needs consent (expired)"
	}
}

// Deadline is a moment the grant stops working unless something is done.
type Deadline struct {
	At time.Time // zero when unknown
	// DaysLeft counts whole days from now; negative once passed.
	DaysLeft int
	// Soon is set within WarnAhead of At, and after it.
	Soon bool
}

// Known reports whether the deadline is known.
func (d Deadline) Known() bool { return !d.At.IsZero() }

// Outlook is when the grant ends by each of Atlassian's limits, for
// warning ahead (status, JSON too).
type Outlook struct {
	// UnusedEnds: 90 days after the refresh token was issued, unless it is
	// used (any refresh rotates it and starts them again).
	UnusedEnds Deadline
	// GrantEnds: 365 days after the consent, whatever happens; only a new
	// consent (`authwiz login`) moves it.
	GrantEnds Deadline
}

// Outlook works out both deadlines of p's refresh token at now.
func (p Profile) Outlook(now time.Time) Outlook {
	t := p.Tokens
	if !t.HasRefresh {
		return Outlook{}
	}
	return Outlook{
		UnusedEnds: deadline(t.RefreshIssuedAt, RefreshTokenLifetime, now),
		GrantEnds:  deadline(t.ConsentedAt, GrantLifetime, now),
	}
}

func deadline(from time.Time, lifetime time.Duration, now time.Time) Deadline {
	if from.IsZero() {
		return Deadline{}
	}
	at := from.Add(lifetime)
	left := at.Sub(now)
	days := int(left / (24 * time.Hour))
	if left < 0 && left%(24*time.Hour) != 0 {
		days--
	}
	return Deadline{At: at, DaysLeft: days, Soon: left <= WarnAhead}
}

// RoughDuration is a duration as a person says it: 42s, 42m, 3h, 2d.
func RoughDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}
