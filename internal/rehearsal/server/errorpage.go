package server

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// refusal is an OAuth error as Atlassian's error page shows it: its code
// and its description, both carried in the page's address.
type refusal struct {
	code, description string
}

// The refusals whose words Atlassian's own error pages use, so that what
// an admin pastes from a rehearsal reads as it would from Atlassian.
var unknownClient = refusal{"invalid_request", "failed to retrieve client"}

func redirectNotRegistered(redirectURI string) *refusal {
	return &refusal{"unauthorized_client", "redirect_uri is not registered for client: " + redirectURI}
}

func scopesNotAdded(scopes []string) *refusal {
	return &refusal{"invalid_scope", "This app has requested scopes that have not been added to the app. Configure the app at " +
		developerConsoleApps + " and add the following scopes to the app: " + strings.Join(scopes, ", ") + "."}
}

func siteAdminMustAuthorize(site Site) *refusal {
	return &refusal{"unauthorized_client", "Your site admin must authorize this app for the site '" + site.host() +
		"' before the app can access your account."}
}

// developerConsoleApps is where Atlassian's error pages send an app's owner.
const developerConsoleApps = "https://developer.atlassian.com/apps"

// errorPath is the server's error page; Atlassian's is
// https://id.atlassian.com/error.
const errorPath = "/error"

// refuse sends the browser to the error page for p, as Atlassian does: the
// page's address holds the error, so an admin can paste it.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, p refusal) {
	q := url.Values{"error": {p.code}, "error_description": {p.description}}
	http.Redirect(w, r, errorPath+"?"+q.Encode(), http.StatusFound)
}

// showError is the error page itself, built from its address.
func (s *Server) showError(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.errorPage(w, http.StatusBadRequest, refusal{q.Get("error"), q.Get("error_description")})
}

// errorTemplate is parsed at the first error page, not at start-up (see
// patterns).
var errorTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;color:#172b4d">
<p style="color:#5e6c84;font-size:.9rem">Rehearsal server: this page stands in for Atlassian's error page.</p>
<h1>Something went wrong</h1>
<p>Close this page and try again.</p>
<h2>Information for the owner of the app</h2>
<p id="error">{{.Description}}</p>
{{if .Code}}<p><code id="code">{{.Code}}</code></p>{{end}}</body></html>
`))
})

// errorPage shows p where the request was made; for problems that have no
// error page of their own at Atlassian (a stale consent form).
func (s *Server) errorPage(w http.ResponseWriter, status int, p refusal) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_ = errorTemplate().Execute(w, map[string]string{"Code": p.code, "Description": p.description})
}
