package server

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authorize checks an authorization request as Atlassian does and shows the
// consent page. Problems are shown on an error page and never redirected:
// like Atlassian, it does not send the browser to a redirect_uri it has not
// matched exactly.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app, scopes, problem := s.checkAuthorize(q)
	if problem != "" {
		s.errorPage(w, http.StatusBadRequest, problem)
		return
	}
	id := s.random("consent-")
	s.mu.Lock()
	s.forgetExpired()
	s.pending[id] = &pendingConsent{expires: s.now().Add(consentLifetime), app: app, redirectURI: q.Get("redirect_uri"), state: q.Get("state"), scopes: scopes}
	s.mu.Unlock()
	s.consentPage(w, id, app, scopes)
}

func (s *Server) checkAuthorize(q url.Values) (*App, []string, string) {
	// Callback URLs can be registered while the server runs.
	s.mu.Lock()
	app := s.app(q.Get("client_id"))
	registered := app != nil && slices.Contains(app.CallbackURLs, q.Get("redirect_uri"))
	s.mu.Unlock()
	switch {
	case app == nil:
		return nil, nil, "Unknown client_id: no app has this Client ID."
	case !registered:
		return nil, nil, "redirect_uri is not registered for client. Register it as the Callback URL under Authorization, character for character."
	case q.Get("audience") != "api.atlassian.com":
		return nil, nil, "The audience parameter must be api.atlassian.com."
	case q.Get("response_type") != "code":
		return nil, nil, "response_type must be code."
	case q.Get("prompt") != "consent":
		return nil, nil, "prompt must be consent."
	case q.Get("state") == "":
		return nil, nil, "The state parameter is required."
	case q.Has("code_challenge") || q.Has("code_challenge_method"):
		return nil, nil, "PKCE is not supported for OAuth 2.0 (3LO) apps."
	case q.Has("resource"):
		return nil, nil, "The resource parameter is not supported."
	case q.Has("access_type"):
		return nil, nil, "access_type is not supported; ask for offline_access instead."
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		return nil, nil, "The scope parameter is required."
	}
	for _, sc := range scopes {
		if sc == "openid" {
			return nil, nil, "openid is not supported for OAuth 2.0 (3LO) apps."
		}
		if sc != offlineAccess && !slices.Contains(app.Scopes, sc) {
			return nil, nil, "Scope " + sc + " has not been added to the app under Permissions."
		}
	}
	return app, scopes, ""
}

const offlineAccess = "offline_access"

// decide takes the admin's Allow or Deny. The consent id in the form is
// single use, so a form cannot be submitted twice or forged.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	decision := r.PostForm.Get("decision")
	if decision != "allow" && decision != "deny" {
		s.errorPage(w, http.StatusBadRequest, "Choose Allow or Deny.")
		return
	}
	s.mu.Lock()
	p := s.pending[r.PostForm.Get("consent_id")]
	delete(s.pending, r.PostForm.Get("consent_id"))
	s.mu.Unlock()
	if p == nil || !s.now().Before(p.expires) {
		s.errorPage(w, http.StatusBadRequest, "This consent has already been answered or has expired: start again from the app.")
		return
	}
	back := url.Values{"state": {p.state}}
	if decision == "allow" {
		code := s.random("code-")
		s.mu.Lock()
		s.codes[code] = &codeGrant{
			grant:       grant{clientID: p.app.ClientID, scopes: p.scopes, expires: s.now().Add(s.cfg.CodeLifetime)},
			redirectURI: p.redirectURI,
		}
		s.mu.Unlock()
		back.Set("code", code)
	} else {
		back.Set("error", "access_denied")
		back.Set("error_description", "The user did not allow access.")
	}
	http.Redirect(w, r, withQuery(p.redirectURI, back), http.StatusFound)
}

// consentLifetime is how long a consent page can be answered.
const consentLifetime = 30 * time.Minute

// withQuery adds params to rawURL, keeping any query it already has.
func withQuery(rawURL string, params url.Values) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// forgetExpired drops consents, codes and tokens that can no longer be
// used, so a long rehearsal does not grow without bound. Rotated refresh
// tokens are kept until they would have lapsed anyway: answering their
// reuse correctly needs them. The caller holds s.mu.
func (s *Server) forgetExpired() {
	now := s.now()
	for id, p := range s.pending {
		if !now.Before(p.expires) {
			delete(s.pending, id)
		}
	}
	for c, g := range s.codes {
		if now.After(g.expires) {
			delete(s.codes, c)
		}
	}
	for t, g := range s.access {
		if !now.Before(g.expires) {
			delete(s.access, t)
		}
	}
	for t, rt := range s.refresh {
		if !now.Before(rt.expires) {
			delete(s.refresh, t)
		}
	}
}

type scopeLine struct{ Name, Description string }

var consentTemplate = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow access – {{.App}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
li{margin:.3rem 0}code{background:#f4f5f7;padding:0 .2rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}
.allow{background:#0052cc;color:#fff;border:0}.note{color:#5e6c84;font-size:.9rem}</style></head>
<body><p class="note">Rehearsal server: this page stands in for Atlassian's consent screen.</p>
<h1>{{.App}} wants access to your Atlassian account</h1>
<p>Signed in as <strong>{{.User}}</strong>. It asks to:</p>
<ul>{{range .Scopes}}<li><code>{{.Name}}</code>{{if .Description}} – {{.Description}}{{end}}</li>{{end}}</ul>
<form method="post" action="/authorize/decide" id="consent-form">
<input type="hidden" name="consent_id" value="{{.ID}}">
<button class="allow" type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form></body></html>
`))

func (s *Server) consentPage(w http.ResponseWriter, id string, app *App, scopes []string) {
	lines := make([]scopeLine, 0, len(scopes))
	for _, sc := range scopes {
		l := scopeLine{Name: sc}
		if s.cfg.DescribeScope != nil {
			l.Description = s.cfg.DescribeScope(sc)
		}
		lines = append(lines, l)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	_ = consentTemplate.Execute(w, map[string]any{"App": app.Name, "User": s.cfg.User.Name, "Scopes": lines, "ID": id})
}

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto"><h1>Something went wrong</h1>
<p id="error">{{.}}</p></body></html>
`))

func (s *Server) errorPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = errorTemplate.Execute(w, msg)
}
