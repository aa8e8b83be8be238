package validate

import (
	"net/url"
	"strconv"
	"strings"
)

// MaxURL bounds URL fields; real endpoints are far shorter.
const MaxURL = 2048

// loopbackHosts are the only hosts that may use http. The comparison is on
// the exact ASCII spelling, so look-alikes (a Cyrillic о, fullwidth letters)
// never pass as localhost.
var loopbackHosts = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}

// IsLoopback reports whether host (as url.URL.Hostname returns it) is one
// of the loopback names authwiz accepts.
func IsLoopback(host string) bool { return loopbackHosts[strings.ToLower(host)] }

// RedirectURL checks the Redirect URL, which must equal the Callback URL in
// the Developer Console character for character.
func RedirectURL(input string) Result {
	const field = "Redirect URL"
	r, u := checkURL(field, input, "http://localhost:47613/callback")
	if r.Err == nil && u.RawQuery != "" {
		r.warn(field, "The Redirect URL has a query (%s). Atlassian adds its own parameters to it; a plain path such as /callback is safer.", quote("?"+u.RawQuery))
	}
	return r
}

// EndpointURL checks the authorization or token endpoint; field names which.
func EndpointURL(field, input string) Result {
	example := "https://auth.atlassian.com/authorize"
	if strings.Contains(strings.ToLower(field), "token") {
		example = "https://auth.atlassian.com/oauth/token"
	}
	r, u := checkURL(field, input, example)
	if r.Err != nil {
		return r
	}
	if !strings.EqualFold(u.Hostname(), "auth.atlassian.com") {
		r.warn(field, "%s is not on auth.atlassian.com. Use Atlassian's endpoint unless you are testing against another server.", field)
	}
	return r
}

// APIBaseURL checks where accessible-resources and the product APIs are
// called (https://api.atlassian.com for every real site).
func APIBaseURL(input string) Result {
	const field = "API base URL"
	r, u := checkURL(field, input, "https://api.atlassian.com")
	if r.Err == nil && !strings.EqualFold(u.Hostname(), "api.atlassian.com") {
		r.warn(field, "The API base URL is not https://api.atlassian.com. Change it only to test against another server.")
	}
	return r
}

// checkURL applies the rules every URL field shares: absolute, https (http
// only for loopback with an explicit port), a host, no user name or
// password, no fragment.
func checkURL(field, input, example string) (Result, *url.URL) {
	r := Result{Value: prepare(input)}
	v := r.Value
	switch {
	case v == "":
		r.fail(field, "Type the %s, for example %s", field, example)
	case len(v) > MaxURL:
		r.fail(field, "That is %d characters long, too long for a URL: paste just the URL, for example %s", len(v), example)
	case hasControl(v) || hasSpace(v):
		r.fail(field, "The URL contains a space, line break or control character: paste it again as one line, for example %s", example)
	}
	if r.Err != nil {
		return r, nil
	}
	u, err := url.Parse(v)
	if err != nil {
		r.fail(field, "%s is not a URL the browser can use. Type it like %s", quote(v), example)
		return r, nil
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "" || (scheme != "http" && scheme != "https" && !strings.Contains(v, "://") && u.Opaque != "" && !knownScheme[scheme]):
		// "localhost:8765/callback" parses with "localhost" as its scheme.
		r.fail(field, "Start the URL with https:// (or http:// for localhost), for example %s", example)
	case scheme != "http" && scheme != "https":
		r.fail(field, "A %s URL cannot be used here: use https:// (or http:// for localhost), for example %s", quote(scheme+":"), example)
	case u.Opaque != "" || u.Hostname() == "":
		r.fail(field, "The URL needs a host after %s://, for example %s", scheme, example)
	case u.User != nil:
		r.fail(field, "Remove the user name or password (the part before @) from the URL.")
	case u.Fragment != "" || strings.Contains(v, "#"):
		r.fail(field, "Remove the #… part from the end of the URL: browsers never send it to a server.")
	}
	if r.Err != nil {
		return r, nil
	}
	if port := u.Port(); port != "" {
		// A leading zero would make the browser's URL differ from the one
		// registered, and Atlassian compares them exactly.
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' {
			r.fail(field, "The port must be a number from 1 to 65535.")
			return r, nil
		}
	}
	if scheme == "http" {
		switch {
		case !IsLoopback(u.Hostname()):
			r.fail(field, "Use https:// — only localhost, 127.0.0.1 and [::1] may use http://, and they need a port, for example %s", example)
		case u.Port() == "":
			r.fail(field, "Add a port after the host, as in %s: http:// is only for this computer, and only with a port.", example)
		}
		if r.Err != nil {
			return r, nil
		}
	}
	if !isASCII(u.Host) {
		r.warn(field, "The host name has non-English letters (%s). Check that it is not a look-alike of the real host.", quote(u.Hostname()))
	}
	return r, u
}

// knownScheme lists schemes that are refused by name rather than taken for
// a missing one.
var knownScheme = map[string]bool{"javascript": true, "file": true, "data": true, "mailto": true, "ftp": true, "vbscript": true, "about": true}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
