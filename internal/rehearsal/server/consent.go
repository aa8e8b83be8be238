package server

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// The answers on the consent page, named after its buttons.
const (
	decisionAccept = "accept"
	decisionCancel = "cancel"
)

// decide takes the admin's Accept, with the site chosen under "Use app
// on", which the app may use from then on, or Cancel. The consent id in the form is single use, so a form
// cannot be submitted twice or forged; an Accept without a site is sent
// back to the page, as Atlassian's page keeps Accept off until one is
// chosen.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, refusal{"invalid_request", "The form could not be read."})
		return
	}
	decision, id := r.PostForm.Get("decision"), r.PostForm.Get("consent_id")
	if decision != decisionAccept && decision != decisionCancel {
		s.errorPage(w, http.StatusBadRequest, refusal{"invalid_request", "Choose Accept or Cancel."})
		return
	}
	site, chosen := s.site(r.PostForm.Get("site"))
	s.mu.Lock()
	p := s.pending[id]
	answered := p != nil && (decision == decisionCancel || chosen)
	if answered {
		delete(s.pending, id)
	}
	s.mu.Unlock()
	switch {
	case p == nil || !s.now().Before(p.expires):
		s.errorPage(w, http.StatusBadRequest, refusal{"invalid_request", "This consent has already been answered or has expired: start again from the app."})
		return
	case !answered:
		s.consentPage(w, http.StatusUnprocessableEntity, id, p.app, p.scopes)
		return
	}
	back := url.Values{"state": {p.state}}
	switch {
	case decision == decisionCancel:
		back.Set("error", "access_denied")
		back.Set("error_description", "User did not authorize the request")
	case s.adminMustAuthorize(site):
		s.refuse(w, r, *siteAdminMustAuthorize(site))
		return
	default:
		code := s.random("code-")
		s.mu.Lock()
		s.codes[code] = &codeGrant{
			grant:       grant{clientID: p.app.ClientID, scopes: p.scopes, expires: s.now().Add(s.cfg.CodeLifetime)},
			redirectURI: p.redirectURI,
		}
		added := !slices.Contains(p.app.GrantedSites, site.ID)
		if added {
			p.app.GrantedSites = append(p.app.GrantedSites, site.ID)
		}
		s.mu.Unlock()
		if added {
			s.changed()
		}
		back.Set("code", code)
	}
	http.Redirect(w, r, withQuery(p.redirectURI, back), http.StatusFound)
}

// site is the site with id, as chosen on the consent page.
func (s *Server) site(id string) (Site, bool) {
	i := slices.IndexFunc(s.cfg.Sites, func(site Site) bool { return site.ID == id })
	if i < 0 {
		return Site{}, false
	}
	return s.cfg.Sites[i], true
}

// adminMustAuthorize reports whether site lets no user connect apps on
// their own.
func (s *Server) adminMustAuthorize(site Site) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adminOnly[site.ID]
}

// SetSiteAdminMustAuthorize makes the site named name (e.g. "acme") let no
// user connect apps on their own, or lets them again: a consent that
// chooses it ends on Atlassian's "Your site admin must authorize this app"
// page, and grants that chose it earlier no longer reach it.
func (s *Server) SetSiteAdminMustAuthorize(name string, on bool) error {
	i := slices.IndexFunc(s.cfg.Sites, func(site Site) bool { return site.Name == name })
	if i < 0 {
		return fmt.Errorf("no site is named %q", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.adminOnly[s.cfg.Sites[i].ID] = on
	return nil
}

type scopeLine struct{ Name, Description string }

// consentTemplate follows Atlassian's consent page: the app asks for access,
// the admin chooses a site under "Use app on", reads the scopes and answers
// with Cancel or Accept. No script runs on it; the browser itself keeps
// Accept from going without a site (required), and Cancel skips that check
// (formnovalidate). Parsed at the first consent, not at start-up (see
// patterns).
var consentTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {{.App}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
li{margin:.3rem 0}code{background:#f4f5f7;padding:0 .2rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}
select{font-size:1rem;padding:.3rem}.accept{background:#0052cc;color:#fff;border:0}.note{color:#5e6c84;font-size:.9rem}</style></head>
<body><p class="note">Rehearsal server: this page stands in for Atlassian's consent screen.</p>
<h1>{{.App}} is requesting access to your Atlassian account.</h1>
<p>Signed in as <strong>{{.User}}</strong>.</p>
<form method="post" action="/authorize/decide" id="consent-form">
<input type="hidden" name="consent_id" value="{{.ID}}">
<p><label for="site">Use app on</label><br>
<select name="site" id="site" required>
<option value="">Choose a site</option>
{{range .Sites}}<option value="{{.ID}}">{{.Host}}</option>
{{end}}</select></p>
<p>{{.App}} would like to:</p>
<ul>{{range .Scopes}}<li><code>{{.Name}}</code>{{if .Description}} – {{.Description}}{{end}}</li>{{end}}</ul>
<button type="submit" name="decision" value="cancel" id="cancel" formnovalidate>Cancel</button>
<button class="accept" type="submit" name="decision" value="accept" id="accept">Accept</button>
</form></body></html>
`))
})

type siteOption struct{ ID, Host string }

func (s *Server) consentPage(w http.ResponseWriter, status int, id string, app *App, scopes []string) {
	lines := make([]scopeLine, 0, len(scopes))
	for _, sc := range scopes {
		l := scopeLine{Name: sc}
		if s.cfg.DescribeScope != nil {
			l.Description = s.cfg.DescribeScope(sc)
		}
		lines = append(lines, l)
	}
	sites := make([]siteOption, 0, len(s.cfg.Sites))
	for _, site := range s.cfg.Sites {
		sites = append(sites, siteOption{site.ID, site.host()})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(status)
	_ = consentTemplate().Execute(w, map[string]any{"App": app.Name, "User": s.cfg.User.Name, "Sites": sites, "Scopes": lines, "ID": id})
}
