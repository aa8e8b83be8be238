package tui

import (
	"fmt"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// refreshTokenLifetime is how long Atlassian keeps an unused refresh token.
const refreshTokenLifetime = 90 * 24 * time.Hour

// tokenState says in a few words whether a saved profile can get tokens
// now: valid, expiring, or waiting for a consent.
func tokenState(p profile.Profile, sec profile.Secrets, now time.Time) string {
	switch {
	case !sec.HasTokens():
		return "needs consent"
	case p.TokensStale:
		return "needs consent (settings changed)"
	case sec.RefreshToken != "":
		if !sec.RefreshIssuedAt.IsZero() && now.Sub(sec.RefreshIssuedAt) > refreshTokenLifetime {
			return "needs consent (unused 90 days)"
		}
		return "valid"
	case sec.Expiry.After(now):
		return "expires in " + roughDuration(sec.Expiry.Sub(now))
	default:
		return "needs consent (expired)"
	}
}

// roughDuration is a duration as a person says it: 42m, 3h, 2d.
func roughDuration(d time.Duration) string {
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
