package atlassian_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/authwiz/authwiz/internal/atlassian"
)

// diagnoseCases are Atlassian's own wordings, as admins have met them on
// its error pages and in the addresses it sends browsers to, and the same
// words mangled the ways a paste mangles them.
var diagnoseCases = []struct {
	name   string
	pasted string
	want   atlassian.Problem
	scopes []string
	site   string
	uri    string
	fix    string // a few words the fix must hold
}{
	{"scopes, named", "Something went wrong\nINFORMATION FOR THE OWNER OF AUTHWIZ\nThis app has requested scopes that have not been added to the app. " +
		"Configure the app at https://developer.atlassian.com/apps and add the following scopes to the app: write:goal:townsquare, " +
		"read:goal:townsquare, write:project:townsquare et read:project:townsquare.",
		atlassian.ProblemScopesNotAdded, []string{"write:goal:townsquare", "read:goal:townsquare", "write:project:townsquare", "read:project:townsquare"}, "", "",
		"Edit scopes, tick write:goal:townsquare"},
	{"scopes, per API", "This app has requested Jira API & Jira API scopes that have not been added to the app. Configure the app at " +
		"https://developer.atlassian.com/apps and add the following scopes to the Jira API & Jira API: read:board-scope:jira-software, read:epic:jira-software.",
		atlassian.ProblemScopesNotAdded, []string{"read:board-scope:jira-software", "read:epic:jira-software"}, "", "", "Permissions"},
	{"scopes, Confluence, unnamed", "This app has requested Confluence API scopes that have not been added to the app",
		atlassian.ProblemScopesNotAdded, nil, "", "", "every scope of the profile"},
	{"scopes, shouted", "THIS APP HAS REQUESTED SCOPES THAT HAVE NOT BEEN ADDED TO THE APP!!! ADD THE FOLLOWING SCOPES TO THE APP: READ:ME",
		atlassian.ProblemScopesNotAdded, []string{"read:me"}, "", "", "read:me"},
	{"scopes, encoded", "https://id.atlassian.com/error?error=invalid_scope&error_description=This%20app%20has%20requested%20scopes%20that%20" +
		"have%20not%20been%20added%20to%20the%20app.%20Add%20the%20following%20scopes%20to%20the%20app%3A%20read%3Aconfluence-content.all",
		atlassian.ProblemScopesNotAdded, []string{"read:confluence-content.all"}, "", "", "read:confluence-content.all"},
	{"site admin", "Your site admin must authorize this app for the site 'netbiis.atlassian.net' before the app can access your account.",
		atlassian.ProblemSiteAdminMustApprove, nil, "netbiis.atlassian.net", "", "Connected apps"},
	{"site admin, application, curly quotes", "Your site admin must authorize this application for the site \u2018Acme.atlassian.net\u2019 before the application can access your account",
		atlassian.ProblemSiteAdminMustApprove, nil, "acme.atlassian.net", "", "acme.atlassian.net"},
	{"redirect, error page address", "https://id.atlassian.com/error?error=unauthorized_client&error_description=redirect_uri%20is%20not%20registered%20for%20client:%20http://localhost:47613/callback",
		atlassian.ProblemRedirectNotRegistered, nil, "", "http://localhost:47613/callback", "Callback URL"},
	{"redirect, encoded twice", "https://id.atlassian.com/error?error=unauthorized_client&error_description=redirect_uri%2520is%2520not%2520registered%2520for%2520client%253A%2520http%253A%252F%252Flocalhost%253A47613%252Fcallback%252F&x=1",
		atlassian.ProblemRedirectNotRegistered, nil, "", "http://localhost:47613/callback/", "trailing slash"},
	{"redirect, page text", "redirect_uri is not registered for client", atlassian.ProblemRedirectNotRegistered, nil, "", "", "Save changes"},
	{"unknown client", "https://id.atlassian.com/error?error=invalid_request&error_description=failed+to+retrieve+client",
		atlassian.ProblemUnknownClient, nil, "", "", "Client ID again"},
	{"incorrect request", "https://id.atlassian.com/error?error=invalid_request&error_description=Incorrect request parameters",
		atlassian.ProblemIncorrectRequest, nil, "", "", "Start the consent again"},
	{"cancelled", "http://localhost:47613/callback?error=access_denied&error_description=User%20did%20not%20authorize%20the%20request&state=s",
		atlassian.ProblemAccessDenied, nil, "", "", "Accept"},
	{"IP allowlist", "You don\u2019t have permission to connect from this IP address. Please ask your admin for access.",
		atlassian.ProblemAddressNotAllowed, nil, "", "", "IP allowlist"},
	{"an escape sequence in the page", "Your site admin must authorize this app for the site '\x1b[31mevil\x1b]0;pwned\x07.atlassian.net'",
		atlassian.ProblemSiteAdminMustApprove, nil, "evil.atlassian.net", "", "evil.atlassian.net"},
}

func TestDiagnoseAtlassiansErrorPages(t *testing.T) {
	for _, tc := range diagnoseCases {
		d, ok := atlassian.Diagnose(tc.pasted)
		if !ok || d.Problem != tc.want {
			t.Errorf("%s: got %q %v, want %q", tc.name, d.Problem, ok, tc.want)
			continue
		}
		if !slices.Equal(d.Scopes, tc.scopes) || d.Site != tc.site || d.RedirectURI != tc.uri {
			t.Errorf("%s: scopes %q site %q uri %q; want %q %q %q", tc.name, d.Scopes, d.Site, d.RedirectURI, tc.scopes, tc.site, tc.uri)
		}
		if !strings.Contains(d.Fix, tc.fix) && !strings.Contains(d.Cause, tc.fix) {
			t.Errorf("%s: neither cause nor fix says %q:\n%s\n%s", tc.name, tc.fix, d.Cause, d.Fix)
		}
	}
}

func TestDiagnoseLeavesOtherTextAlone(t *testing.T) {
	for _, pasted := range []string{
		"", "hello", "Something went wrong", "http://localhost:47613/callback?code=abc&state=s",
		"https://acme.atlassian.net/wiki/spaces/ENG", "100% of the scopes were added", "%zz%",
	} {
		if d, ok := atlassian.Diagnose(pasted); ok {
			t.Errorf("%q: recognised as %q", pasted, d.Problem)
		}
	}
}

func TestNoCallbackCausesNameEachKnownPage(t *testing.T) {
	causes := strings.Join(atlassian.NoCallbackCauses("http://localhost:47613/callback"), "\n")
	for _, want := range []string{"redirect_uri is not registered", "http://localhost:47613/callback", "scopes that have not been added",
		"site admin must authorize", "failed to retrieve client", "click Accept", "Distribution", "paste that page's address"} {
		if !strings.Contains(causes, want) {
			t.Errorf("the causes do not mention %q:\n%s", want, causes)
		}
	}
	for _, c := range atlassian.NoCallbackCauses("x") {
		if d, ok := atlassian.Diagnose(c); strings.HasPrefix(c, "Atlassian shows") && !ok {
			t.Errorf("a quoted page is not recognised by Diagnose: %q (%v)", c, d)
		}
	}
}

func FuzzDiagnose(f *testing.F) {
	for _, tc := range diagnoseCases {
		f.Add(tc.pasted)
	}
	f.Add("%%%2")
	f.Add("add the following scopes\xff\xfe: a:b")
	f.Fuzz(func(t *testing.T, pasted string) {
		d, ok := atlassian.Diagnose(pasted)
		if !ok {
			if d.Problem != "" || d.Fix != "" {
				t.Errorf("unrecognised, yet %+v", d)
			}
			return
		}
		if d.Problem == "" || d.Cause == "" || d.Fix == "" {
			t.Errorf("recognised without a cause and a fix: %+v", d)
		}
		for _, s := range append([]string{d.Cause, d.Fix, d.Site, d.RedirectURI}, d.Scopes...) {
			if strings.ContainsFunc(s, unicode.IsControl) || len(s) > 4096 {
				t.Errorf("unsafe or overlong text to show: %q", s)
			}
		}
	})
}
