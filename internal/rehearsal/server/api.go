package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// bearer finds the grant behind the request's access token, or answers 401.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) (grant, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	g := s.access[tok]
	s.mu.Unlock()
	if !ok || g == nil || !s.now().Before(g.expires) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized"})
		return grant{}, false
	}
	return *g, true
}

// products are the products every site runs, in the order Atlassian
// lists them.
var products = []string{"confluence", "jira"}

// productScopes are the granted scopes that concern product. Identity
// scopes (read:me) and offline_access concern no site.
func productScopes(g grant, product string) []string {
	var out []string
	for _, sc := range g.scopes {
		if strings.Contains(sc, product) {
			out = append(out, sc)
		}
	}
	return out
}

// reaches reports whether g may be used on site: a consent for its app
// chose the site, and the site's admins have not since made the app theirs
// to authorize.
func (s *Server) reaches(g grant, site Site) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.app(g.clientID)
	return app != nil && slices.Contains(app.GrantedSites, site.ID) && !s.adminOnly[site.ID]
}

// accessibleResources lists each site the grant reaches once per product
// the grant has scopes for, as Atlassian does: a grant with Confluence and
// Jira scopes sees the same cloud id twice, once with each product's
// scopes. A grant without product scopes reaches no site.
func (s *Server) accessibleResources(w http.ResponseWriter, r *http.Request) {
	g, ok := s.bearer(w, r)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, site := range s.cfg.Sites {
		if !s.reaches(g, site) {
			continue
		}
		for _, product := range products {
			scopes := productScopes(g, product)
			if len(scopes) == 0 {
				continue
			}
			out = append(out, map[string]any{
				"id": site.ID, "name": site.Name, "url": site.URL, "scopes": scopes,
				"avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/site.png",
			})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// confluenceCall checks what every Confluence call needs: a valid token, a
// known site the grant reaches and the scope.
func (s *Server) confluenceCall(w http.ResponseWriter, r *http.Request, scope string) (Site, bool) {
	g, ok := s.bearer(w, r)
	if !ok {
		return Site{}, false
	}
	i := slices.IndexFunc(s.cfg.Sites, func(site Site) bool { return site.ID == r.PathValue("cloudid") })
	if i < 0 {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "Site not found"})
		return Site{}, false
	}
	if !s.reaches(g, s.cfg.Sites[i]) {
		// Atlassian's gateway answers a site the token may not use as it
		// answers a token it does not know.
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized"})
		return Site{}, false
	}
	if !slices.Contains(g.scopes, scope) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized; scope does not match"})
		return Site{}, false
	}
	return s.cfg.Sites[i], true
}

func (s *Server) confluenceUser(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.confluenceCall(w, r, "read:confluence-user"); !ok {
		return
	}
	u := s.cfg.User
	writeJSON(w, http.StatusOK, map[string]any{
		"type": "known", "accountId": u.AccountID, "accountType": "atlassian",
		"email": u.Email, "publicName": u.Name, "displayName": u.Name,
	})
}

func (s *Server) confluenceSpaces(w http.ResponseWriter, r *http.Request) {
	site, ok := s.confluenceCall(w, r, "read:space:confluence")
	if !ok {
		return
	}
	results := []map[string]any{}
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 25
	}
	for i, name := range site.Spaces {
		if i == limit {
			break
		}
		key := []rune(strings.ToUpper(name))
		results = append(results, map[string]any{"id": strconv.Itoa(i + 1), "key": string(key[:min(3, len(key))]), "name": name, "type": "global"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	g, ok := s.bearer(w, r)
	if !ok {
		return
	}
	if !slices.Contains(g.scopes, "read:me") {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized; scope does not match"})
		return
	}
	u := s.cfg.User
	writeJSON(w, http.StatusOK, map[string]any{"account_id": u.AccountID, "name": u.Name, "email": u.Email, "account_status": "active"})
}
