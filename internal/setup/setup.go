// Package setup holds the one set of rules a profile must meet before it
// is saved, for the wizard and `authwiz new --no-input` alike: what was
// typed goes in, the cleaned profile with every problem and warning comes
// out. It knows nothing of screens or flags.
package setup

import (
	"slices"
	"strconv"
	"strings"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// Input is what an admin gave for a profile.
type Input struct {
	Name, AppName, ClientID, RedirectURL string
	AuthURL, TokenURL, APIBaseURL        string
	// Scopes are the scopes to request, offline_access included (see
	// RequestScopes).
	Scopes []string
	// Secret is a client secret given now. KeptSecret is the one an edited
	// profile has saved, kept when Secret is empty.
	Secret, KeptSecret string
	// Taken are the names of the saved profiles; EditOf is the one being
	// edited, whose own name does not count as taken.
	Taken  []string
	EditOf string
	// Saved are the saved profiles, to warn when another one uses the
	// same app (see SharedClientID).
	Saved []profile.Profile
}

// Result is a checked profile: Problems block saving, Warnings do not.
type Result struct {
	Profile profile.Profile
	// Secret is the cleaned client secret to save: the one given now, or
	// the kept one.
	Secret   string
	Problems []validate.Error
	Warnings []validate.Warning
}

// Check applies every rule to in and returns the cleaned profile with
// every problem at once, each naming its field.
func Check(in Input) Result {
	var res Result
	field := func(r validate.Result) string {
		if r.Err != nil {
			res.Problems = append(res.Problems, *r.Err)
		}
		res.Warnings = append(res.Warnings, r.Warnings...)
		return r.Value
	}
	res.Profile = profile.Profile{
		Name:        field(validate.ProfileName(in.Name, in.Taken, in.EditOf)),
		Type:        profile.TypeOAuth2,
		AppName:     field(validate.AppName(in.AppName)),
		RedirectURL: field(validate.RedirectURL(in.RedirectURL)),
		ClientID:    field(validate.ClientID(in.ClientID)),
		AuthURL:     field(validate.EndpointURL("Authorization URL", in.AuthURL)),
		TokenURL:    field(validate.EndpointURL("Token URL", in.TokenURL)),
		APIBaseURL:  field(validate.APIBaseURL(in.APIBaseURL)),
	}
	res.Secret = in.KeptSecret
	if in.Secret != "" || in.KeptSecret == "" {
		res.Secret = field(validate.ClientSecret(in.Secret))
	}
	if others := SharedClientID(res.Profile.ClientID, in.Saved, in.EditOf); len(others) > 0 {
		res.Warnings = append(res.Warnings, validate.Warning{Field: "Client ID", Message: SharedClientIDWarning(others)})
	}
	scopes := Scopes(in.Scopes)
	if scopes.Err != nil {
		res.Problems = append(res.Problems, *scopes.Err)
	}
	res.Warnings = append(res.Warnings, scopes.Warnings...)
	res.Profile.Scopes = scopes.Scopes
	return res
}

// Scopes checks the scopes to request: known names (an unknown one warns),
// no duplicates, and a warning when offline_access is missing.
func Scopes(scopes []string) validate.ScopesResult {
	return validate.Scopes(strings.Join(scopes, " "), atlassian.KnownScope)
}

// RequestScopes is the one offline_access rule. offline_access is never
// ticked in the Developer Console, only requested, and without it there is
// no refresh token: so it goes last after the console scopes unless the
// admin took it out on purpose. No console scope means nothing to request.
func RequestScopes(console []string, offlineRemoved bool) []string {
	out := ConsoleScopes(console)
	if len(out) > 0 && !offlineRemoved {
		out = append(out, atlassian.OfflineAccess)
	}
	return out
}

// ConsoleScopes are the scopes the admin ticks in the Developer Console:
// every scope to request but offline_access.
func ConsoleScopes(scopes []string) []string {
	return slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s == atlassian.OfflineAccess })
}

// SharedClientID names the saved profiles, other than editOf, that use the
// app clientID. Atlassian keeps one grant per app and account: when two
// profiles of one app consent with the same account, the newer consent
// replaces the grant the other's refresh token belongs to.
func SharedClientID(clientID string, saved []profile.Profile, editOf string) []string {
	var names []string
	for _, p := range saved {
		if clientID != "" && p.ClientID == clientID && !strings.EqualFold(p.Name, editOf) {
			names = append(names, p.Name)
		}
	}
	return names
}

// SharedClientIDWarning says what sharing an app with the profiles others
// means, and what to do about it.
func SharedClientIDWarning(others []string) string {
	quoted := make([]string, len(others))
	for i, n := range others {
		quoted[i] = strconv.Quote(n)
	}
	return "This Client ID is also used by " + strings.Join(quoted, ", ") + ": if both profiles consent with the same " +
		"Atlassian account, a new consent on one replaces the grant the other holds and its tokens stop working. " +
		"Use one profile per app and account, or consent with another account."
}
