// Package profile holds the saved authentications and the store that keeps
// them on disk without ever losing or half-writing one.
package profile

import (
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// TypeOAuth2 is the only authentication type authwiz sets up end to end.
const TypeOAuth2 = "oauth2"

// DefaultAPIBaseURL is where Atlassian serves accessible-resources and the
// product APIs for OAuth 2.0 (3LO) apps.
const DefaultAPIBaseURL = "https://api.atlassian.com"

// Site is one Atlassian cloud site the grant reaches.
type Site struct {
	CloudID string   `toml:"cloud_id"`
	Name    string   `toml:"name"`
	URL     string   `toml:"url"`
	Scopes  []string `toml:"scopes,omitempty"`
}

// Profile is the shareable part of a saved authentication: everything the
// Integration Builder form holds except the secrets.
type Profile struct {
	Name        string   `toml:"name"`
	Type        string   `toml:"type"`
	AppName     string   `toml:"app_name,omitempty"`
	RedirectURL string   `toml:"redirect_url"`
	ClientID    string   `toml:"client_id"`
	AuthURL     string   `toml:"auth_url"`
	TokenURL    string   `toml:"token_url"`
	APIBaseURL  string   `toml:"api_base_url"`
	Scopes      []string `toml:"scopes"`

	// TokenAuthStyle is how the token endpoint takes the client's
	// credentials ("body" or "basic"), found by the last consent so that
	// refreshes send them that way at once; empty for Atlassian, which
	// takes them in the body.
	TokenAuthStyle string `toml:"token_auth_style,omitempty"`

	// Site is the default site chosen after consent; Sites is every site the
	// grant reached when it was last verified.
	Site  Site   `toml:"site,omitempty"`
	Sites []Site `toml:"sites,omitempty"`

	// SecretStorage says where the secrets are kept: StorageFile or
	// StorageKeyring. Empty on a new profile means the keyring when one is
	// available, else the file; the store records what it chose.
	SecretStorage string `toml:"secret_storage,omitempty"`

	// Tokens describes the tokens in Secrets, kept in step by the store.
	Tokens Tokens `toml:"tokens,omitempty"`

	// TokensStale is set when a field the grant depends on (client ID or
	// secret, redirect URL, scopes) changed after the last consent.
	TokensStale bool `toml:"tokens_stale,omitempty"`

	CreatedAt time.Time `toml:"created_at"`
	UpdatedAt time.Time `toml:"updated_at"`
}

// Secrets is the part of a saved authentication that must never be shown,
// logged or shared. It is stored apart from Profile.
type Secrets struct {
	ClientSecret  string    `toml:"client_secret,omitempty"`
	AccessToken   string    `toml:"access_token,omitempty"`
	RefreshToken  string    `toml:"refresh_token,omitempty"`
	TokenType     string    `toml:"token_type,omitempty"`
	Expiry        time.Time `toml:"expiry,omitempty"`
	GrantedScopes []string  `toml:"granted_scopes,omitempty"`
	// RefreshIssuedAt is when the current refresh token was issued, by the
	// consent or by the last rotation; Atlassian expires it 90 days unused.
	RefreshIssuedAt time.Time `toml:"refresh_issued_at,omitempty"`
	// AccessIssuedAt is when the access token was issued, so its lifetime
	// (Expiry - AccessIssuedAt) is known; zero when it is not.
	AccessIssuedAt time.Time `toml:"access_issued_at,omitempty"`
	// ConsentedAt is when the consent behind these tokens was given:
	// Atlassian ends every grant 365 days after it, however often it is used.
	ConsentedAt time.Time `toml:"consented_at,omitempty"`
	// RefreshFailure remembers why the refresh token cannot be used any
	// more (RefreshRejected, RefreshInterrupted), from RefreshFailedAt on,
	// until a new consent replaces it.
	RefreshFailure  string    `toml:"refresh_failure,omitempty"`
	RefreshFailedAt time.Time `toml:"refresh_failed_at,omitempty"`
}

// Why a refresh token no longer works, as Secrets.RefreshFailure says it.
const (
	// RefreshRejected: the token endpoint refused the refresh token.
	RefreshRejected = "rejected"
	// RefreshInterrupted: a refresh was sent but its answer was lost (the
	// process was killed, the machine lost power) and Atlassian's reuse
	// interval ran out before authwiz could retry it.
	RefreshInterrupted = "interrupted"
)

// stampGrant applies what follows when Update changes a refresh token
// (a refresh saves through a claim, not through Update): it is a new
// grant, from a consent. Its 365 days start with it, and what was
// remembered about the old one no longer applies.
func stampGrant(old Secrets, sec *Secrets, now time.Time) {
	if sec.RefreshToken == "" || sec.RefreshToken == old.RefreshToken {
		return
	}
	sec.RefreshFailure, sec.RefreshFailedAt = "", time.Time{}
	if sec.ConsentedAt.Equal(old.ConsentedAt) {
		sec.ConsentedAt = sec.RefreshIssuedAt
		if sec.ConsentedAt.IsZero() {
			sec.ConsentedAt = now.UTC().Truncate(time.Second)
		}
	}
}

// HasTokens reports whether a consent has produced tokens for the profile.
func (s Secrets) HasTokens() bool { return s.AccessToken != "" || s.RefreshToken != "" }

// Format keeps secrets out of every fmt verb, so a stray %v in an error or
// log line cannot leak them.
func (s Secrets) Format(f fmt.State, _ rune) { fmt.Fprint(f, "profile.Secrets{REDACTED}") }

// LogValue keeps secrets out of structured logs for the same reason.
func (s Secrets) LogValue() slog.Value { return slog.StringValue("REDACTED") }

// Equal reports whether two secrets hold the same credentials and tokens,
// issued at the same times. What is remembered about a failed refresh is
// not compared: a refresh token the server refused is still the same one.
func (s Secrets) Equal(o Secrets) bool {
	return s.ClientSecret == o.ClientSecret && s.AccessToken == o.AccessToken &&
		s.RefreshToken == o.RefreshToken && s.TokenType == o.TokenType &&
		s.Expiry.Equal(o.Expiry) && slices.Equal(s.GrantedScopes, o.GrantedScopes) &&
		s.RefreshIssuedAt.Equal(o.RefreshIssuedAt) && s.AccessIssuedAt.Equal(o.AccessIssuedAt) &&
		s.ConsentedAt.Equal(o.ConsentedAt)
}
