package profile

import (
	"fmt"
	"time"
)

// RefreshTokenLifetime is how long Atlassian keeps a refresh token that is
// not used.
const RefreshTokenLifetime = 90 * 24 * time.Hour

// Tokens describes a profile's tokens without their values. The store keeps
// it in the settings, in step with the secrets, so listing profiles with
// their state needs neither the secrets file nor the keyring.
type Tokens struct {
	HasAccess       bool      `toml:"has_access,omitempty"`
	AccessExpiry    time.Time `toml:"access_expiry,omitempty"`
	HasRefresh      bool      `toml:"has_refresh,omitempty"`
	RefreshIssuedAt time.Time `toml:"refresh_issued_at,omitempty"`
}

// TokensOf describes sec without its values.
func TokensOf(sec Secrets) Tokens {
	return Tokens{
		HasAccess:       sec.AccessToken != "",
		AccessExpiry:    sec.Expiry,
		HasRefresh:      sec.RefreshToken != "",
		RefreshIssuedAt: sec.RefreshIssuedAt,
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
func (p Profile) TokenState(now time.Time) (Health, string) {
	t := p.Tokens
	switch {
	case !t.HasAccess && !t.HasRefresh:
		return NeedsConsent, "needs consent"
	case p.TokensStale:
		return NeedsConsent, "needs consent (settings changed)"
	case t.HasRefresh:
		if !t.RefreshIssuedAt.IsZero() && now.Sub(t.RefreshIssuedAt) > RefreshTokenLifetime {
			return NeedsConsent, "needs consent (unused 90 days)"
		}
		return Healthy, "valid"
	case t.AccessExpiry.After(now):
		return Expiring, "expires in " + RoughDuration(t.AccessExpiry.Sub(now))
	default:
		return NeedsConsent, "needs consent (expired)"
	}
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
