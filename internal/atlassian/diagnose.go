package atlassian

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/authwiz/authwiz/internal/validate"
)

// Problem is a failure Atlassian reports on one of its error pages, or in
// the address it sends the browser back to.
type Problem string

// The problems Diagnose recognises.
const (
	ProblemScopesNotAdded        Problem = "scopes-not-added"
	ProblemSiteAdminMustApprove  Problem = "site-admin-must-authorize"
	ProblemRedirectNotRegistered Problem = "redirect-uri-not-registered"
	ProblemUnknownClient         Problem = "unknown-client-id"
	ProblemAccessDenied          Problem = "access-denied"
	ProblemAddressNotAllowed     Problem = "ip-address-not-allowed"
	ProblemIncorrectRequest      Problem = "incorrect-request"
)

// Diagnosis is a recognised problem: its cause and its fix, in plain words.
type Diagnosis struct {
	Problem Problem
	Cause   string
	Fix     string
	// Scopes are the scopes Atlassian named as not added to the app.
	Scopes []string
	// Site is the site Atlassian named, e.g. "acme.atlassian.net".
	Site string
	// RedirectURI is the address Atlassian was asked to send the browser
	// back to, when it named it.
	RedirectURI string
}

// maxPaste bounds how much pasted text is looked at; an error page's words
// come first, and a huge paste must not make the check slow.
const maxPaste = 64 << 10

// Diagnose recognises a known Atlassian error in what an admin pasted:
// the address of an error page (id.atlassian.com/error?error=…), the
// page's text, or the Redirect URL Atlassian sent the browser back to with
// error= and error_description=. Matching ignores case, punctuation and
// URL encoding. ok is false when nothing known is in it.
func Diagnose(pasted string) (d Diagnosis, ok bool) {
	text := readable(pasted)
	words := wordsOf(text)
	lower := strings.ToLower(text)
	switch {
	case wordings().scopesNotAdded.MatchString(words):
		return scopesDiagnosis(namedScopes(lower)), true
	case wordings().siteAdminMustApprove.MatchString(words):
		return siteAdminDiagnosis(wordings().siteName.FindString(lower)), true
	case wordings().addressNotAllowed.MatchString(words):
		return Diagnosis{
			Problem: ProblemAddressNotAllowed,
			Cause:   "The organisation lets people reach Atlassian only from certain IP addresses, and this network is not one of them.",
			Fix:     "Consent from an allowed network (such as the company network or VPN), or ask an organisation admin to add this network to the IP allowlist; then start the consent again.",
		}, true
	case wordings().redirectNotRegistered.MatchString(words):
		return redirectDiagnosis(redirectURI(text)), true
	case wordings().unknownClient.MatchString(words):
		return Diagnosis{
			Problem: ProblemUnknownClient,
			Cause:   "Atlassian knows no app with this Client ID.",
			Fix: fmt.Sprintf("Copy the Client ID again from the app's Settings page in the Atlassian Developer Console (%s); it must be "+
				"an OAuth 2.0 integration's, not an API token. Save it in the profile and start the consent again.", DeveloperConsoleURL),
		}, true
	case wordings().incorrectRequest.MatchString(words):
		return Diagnosis{
			Problem: ProblemIncorrectRequest,
			Cause:   "Atlassian did not accept the authorization request: its address was changed or cut short, or the consent page was left open too long.",
			Fix:     "Start the consent again and use the address authwiz opens, unchanged. If it happens again, check the Authorization URL and the Client ID.",
		}, true
	case wordings().accessDenied.MatchString(words):
		return Diagnosis{
			Problem: ProblemAccessDenied,
			Cause:   "The consent was declined: Cancel was chosen on Atlassian's consent page.",
			Fix:     "Start the consent again, choose the site and click Accept.",
		}, true
	}
	return Diagnosis{}, false
}

// The wordings Atlassian uses, matched against wordsOf: lower case, one
// space between words, no punctuation. Variants seen: "This app has
// requested Confluence API scopes that have not been added to the app",
// "Your site admin must authorize this application for the site …",
// "redirect_uri is not registered for client: …", "failed to retrieve
// client", "Incorrect request parameters", "You don't have permission to
// connect from this IP address", error=access_denied. pageWordings also
// holds what is picked out of the readable, lower-cased text.
type pageWordings struct {
	scopesNotAdded, siteAdminMustApprove, addressNotAllowed, redirectNotRegistered,
	unknownClient, incorrectRequest, accessDenied *regexp.Regexp
	siteName, scopeName *regexp.Regexp
	// redirectAfter finds the address after "registered for client:".
	redirectAfter *regexp.Regexp
}

var wordings = sync.OnceValue(func() *pageWordings {
	// Compiled on the first diagnosis, not at start-up: most runs of
	// authwiz (a token from a script) never diagnose anything.
	return &pageWordings{
		scopesNotAdded:        regexp.MustCompile(`\bscopes? (that|which) (have|has) not been added to (the|this|your) app`),
		siteAdminMustApprove:  regexp.MustCompile(`\bsite admin(istrator)? (must|needs to|has to) (authori[sz]e|approve|allow) (this|the) app(lication)?\b`),
		addressNotAllowed:     regexp.MustCompile(`\bpermission to connect from this ip address\b`),
		redirectNotRegistered: regexp.MustCompile(`\bredirect uri (is )?(not registered|not allowed|mismatch|does not match|is invalid)|\binvalid redirect uri\b`),
		unknownClient:         regexp.MustCompile(`\b(failed to retrieve client|invalid client( id)?|unknown client( id)?|client id (is )?(invalid|unknown|not found)|client not found)\b`),
		incorrectRequest:      regexp.MustCompile(`\bincorrect request parameters\b`),
		accessDenied:          regexp.MustCompile(`\baccess denied\b`),
		siteName:              regexp.MustCompile(`[a-z0-9][a-z0-9-]{0,62}\.atlassian\.net`),
		scopeName:             regexp.MustCompile(`\b[a-z][a-z0-9_-]*(:[a-z0-9._-]+)+|\boffline_access\b`),
		redirectAfter:         regexp.MustCompile(`(?i)registered for client\s*:?\s*(\S+)`),
	}
})

// maxScopesNamed bounds the scopes repeated from a page.
const maxScopesNamed = 30

// namedScopes are the scopes listed after "the following scopes".
func namedScopes(lower string) []string {
	at := strings.Index(lower, "following scope")
	if at < 0 {
		return nil
	}
	var scopes []string
	for _, s := range wordings().scopeName.FindAllString(lower[at:], -1) {
		s = strings.TrimRight(s, ".:-_")
		if len(s) <= 100 && !slices.Contains(scopes, s) && len(scopes) < maxScopesNamed {
			scopes = append(scopes, s)
		}
	}
	return scopes
}

func scopesDiagnosis(scopes []string) Diagnosis {
	d := Diagnosis{
		Problem: ProblemScopesNotAdded,
		Scopes:  scopes,
		Cause:   "The app asks for scopes that are not added to it in the Atlassian Developer Console",
	}
	which := "every scope of the profile (offline_access excepted)"
	if len(scopes) > 0 {
		d.Cause += ": " + strings.Join(scopes, ", ")
		which = strings.Join(scopes, ", ")
	}
	d.Cause += "."
	d.Fix = fmt.Sprintf("In the Developer Console (%s) open the app, then Permissions: for each API (Confluence API, User identity "+
		"API, Jira API) click Configure, then Edit scopes, tick %s and save. Or take them out of the profile's scopes. Then start "+
		"the consent again.", DeveloperConsoleURL, which)
	return d
}

func siteAdminDiagnosis(site string) Diagnosis {
	where := "the site"
	if site != "" {
		where = site
	}
	return Diagnosis{
		Problem: ProblemSiteAdminMustApprove,
		Site:    site,
		Cause:   fmt.Sprintf("The organisation does not let users connect apps to %s on their own: a site admin must allow this app first.", where),
		Fix: fmt.Sprintf("Ask a site admin of %s to allow the app in Atlassian Administration (Apps, then Sites, the site, Connected apps, "+
			"where user-installed apps must be allowed), or to consent first with their own account; then start the consent again.", where),
	}
}

// maxRedirectShown bounds the address repeated from a page.
const maxRedirectShown = 200

// redirectURI is the address named after "registered for client:".
func redirectURI(text string) string {
	m := wordings().redirectAfter.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	// A query string's next parameter is not part of the address.
	uri, _, _ := strings.Cut(m[1], "&")
	uri = strings.TrimRight(uri, `.,;)"'`)
	if r := []rune(uri); len(r) > maxRedirectShown {
		uri = string(r[:maxRedirectShown]) + "…"
	}
	return uri
}

func redirectDiagnosis(uri string) Diagnosis {
	d := Diagnosis{Problem: ProblemRedirectNotRegistered, RedirectURI: uri,
		Cause: "The profile's Redirect URL is not the app's Callback URL."}
	if uri != "" {
		d.Cause = fmt.Sprintf("Atlassian was asked to send the browser back to %s, which is not the app's Callback URL.", uri)
	}
	d.Fix = "In the Developer Console open the app, then Authorization, OAuth 2.0 (3LO), Configure: set the Callback URL to exactly " +
		"the profile's Redirect URL (the same scheme, host, port, path and trailing slash), click Save changes and start the consent again."
	return d
}

// readable undoes what stands between Atlassian's words and the paste:
// URL encoding (once or twice over), HTML entities, escape sequences and
// typographic quotes.
func readable(pasted string) string {
	if len(pasted) > maxPaste {
		pasted = pasted[:maxPaste]
	}
	s := strings.ToValidUTF8(pasted, " ")
	for range 3 {
		decoded := unescape(s)
		if decoded == s {
			break
		}
		s = decoded
	}
	s = validate.Sanitize(html.UnescapeString(s))
	return strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`).Replace(s)
}

// unescape decodes %XX and + as a query string does, leaving a stray %
// alone where url.QueryUnescape would give up on the whole text.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return strings.ToValidUTF8(b.String(), " ")
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// wordsOf is text in lower case with every run of anything but letters
// and digits made one space, so "redirect_uri" reads "redirect uri" and
// "doesn't" reads "doesn t".
func wordsOf(text string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// NoCallbackCauses are the usual reasons the browser never comes back to
// redirectURL, for the hint shown when the wait for the consent runs long.
// Each says what the admin would see and what to do.
func NoCallbackCauses(redirectURL string) []string {
	return []string{
		fmt.Sprintf(`Atlassian shows "redirect_uri is not registered for client": the Callback URL under Authorization in the Developer Console is not exactly %s.`, redirectURL),
		`Atlassian shows "This app has requested scopes that have not been added to the app": tick the same scopes under Permissions in the Developer Console.`,
		`Atlassian shows "Your site admin must authorize this app": the organisation does not let users connect apps on their own; a site admin must allow it.`,
		`Atlassian shows "failed to retrieve client": the Client ID is not the app's; copy it again from the app's Settings page in the Developer Console.`,
		`The consent page is still open: choose the site and click Accept.`,
		`The app is private to the account that created it: consent with that account, or turn on sharing under Distribution in the Developer Console.`,
		`The browser ended on a page that did not load (for example on another computer): paste that page's address here.`,
	}
}
