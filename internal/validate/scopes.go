package validate

import (
	"slices"
	"strings"
)

// MaxScopesRecommended is Atlassian's advice for scopes per app.
const MaxScopesRecommended = 50

// offlineAccess is the scope that makes Atlassian issue a refresh token.
const offlineAccess = "offline_access"

// ScopesResult is what Scopes makes of the scope field.
type ScopesResult struct {
	// Scopes are the cleaned scopes, duplicates removed, order kept.
	Scopes   []string
	Err      *Error
	Warnings []Warning
}

// Scopes checks a space-separated scope string. known tells which scopes
// authwiz knows; unknown ones are a warning, not an error, since Atlassian
// adds scopes from time to time.
func Scopes(input string, known func(scope string) bool) ScopesResult {
	const field = "Scopes"
	r := Result{}
	v := prepare(input)
	var out ScopesResult
	var unknown, dups, bad, upper []string
	seen := map[string]bool{}
	hasConfluence := false
	switch {
	case v == "":
		r.fail(field, "Type at least one scope, for example read:confluence-content.all offline_access")
	case strings.Contains(v, ","):
		r.fail(field, "Separate scopes with spaces, not commas.")
	}
	if r.Err == nil {
		for _, s := range strings.Fields(v) {
			switch {
			case !validScopeToken(s):
				if !slices.Contains(bad, s) {
					bad = append(bad, s)
				}
			case strings.ToLower(s) != s:
				upper = append(upper, s)
			case seen[s]:
				if !slices.Contains(dups, s) {
					dups = append(dups, s)
				}
			default:
				seen[s] = true
				out.Scopes = append(out.Scopes, s)
				hasConfluence = hasConfluence || strings.Contains(s, "confluence")
				if known != nil && !known(s) {
					unknown = append(unknown, s)
				}
			}
		}
		switch {
		case len(bad) > 0:
			r.fail(field, "These are not scopes (a scope has no spaces, quotes or other odd characters): %s. Copy the scope names from the Developer Console.", quoteAll(bad))
		case len(upper) > 0:
			r.fail(field, "Scopes are written in lower case: %s.", quoteAll(upper))
		case !hasConfluence:
			r.fail(field, "Add at least one Confluence scope, for example read:confluence-content.all — the same ones you added under Permissions ▸ Confluence API.")
		}
	}
	if r.Err != nil {
		out.Err = r.Err
		out.Scopes = nil
		return out
	}
	if len(dups) > 0 {
		r.warn(field, "Listed twice, kept once: %s.", quoteAll(dups))
	}
	if len(unknown) > 0 {
		r.warn(field, "authwiz does not know %s; check the spelling against the Developer Console.", quoteAll(unknown))
	}
	if !slices.Contains(out.Scopes, offlineAccess) {
		r.warn(field, "Without offline_access Atlassian issues no refresh token: the token stops working after an hour and you would have to consent again. Add offline_access.")
	}
	if n := len(out.Scopes); n > MaxScopesRecommended {
		r.warn(field, "%d scopes is more than the %d Atlassian recommends per app: keep only those the integration needs.", n, MaxScopesRecommended)
	}
	out.Warnings = r.Warnings
	return out
}

// validScopeToken follows RFC 6749's scope-token (printable ASCII without
// space, double quote or backslash) and refuses the other quote marks a
// copied list brings along.
func validScopeToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || strings.IndexByte("\"\\'`", c) >= 0 {
			return false
		}
	}
	return s != ""
}
