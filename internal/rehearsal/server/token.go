package server

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// token is the token endpoint: the code exchange and the refresh, with
// client_id and client_secret in the body, form-encoded (what
// golang.org/x/oauth2 sends) or JSON (what Atlassian documents).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	// Read the body first: only then does net/http notice a client that
	// hangs up, so a delayed answer can end with it.
	form, formErr := tokenForm(w, r)
	s.mu.Lock()
	delay := s.delay
	var fail int
	if len(s.failNext) > 0 {
		fail, s.failNext = s.failNext[0], s.failNext[1:]
	}
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail != 0 {
		tokenError(w, fail, "server_error", "The server is having trouble.")
		return
	}
	if formErr != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "The request body could not be read.")
		return
	}
	app := s.app(form.Get("client_id"))
	if app == nil || form.Get("client_secret") != app.ClientSecret {
		// Atlassian answers a wrong client secret with access_denied.
		tokenError(w, http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		s.exchangeCode(w, app, form)
	case "refresh_token":
		s.refreshGrant(w, r, app, form)
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.")
	}
}

// maxTokenRequest bounds a token request's body; real ones are a few
// hundred bytes.
const maxTokenRequest = 1 << 16

func tokenForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequest)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return r.PostForm, nil
	}
	var body map[string]string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, err
	}
	form := url.Values{}
	for k, v := range body {
		form.Set(k, v)
	}
	return form, nil
}

func (s *Server) exchangeCode(w http.ResponseWriter, app *App, form url.Values) {
	s.mu.Lock()
	c := s.codes[form.Get("code")]
	switch {
	case c == nil || c.used || c.clientID != app.ClientID:
		s.mu.Unlock()
		tokenError(w, http.StatusForbidden, "invalid_grant", "Invalid authorization code")
		return
	case s.now().After(c.expires):
		s.mu.Unlock()
		tokenError(w, http.StatusForbidden, "invalid_grant", "Authorization code has expired")
		return
	case form.Get("redirect_uri") != c.redirectURI:
		s.mu.Unlock()
		tokenError(w, http.StatusForbidden, "invalid_grant", "redirect_uri does not match the one used to authorize")
		return
	case form.Has("code_verifier"):
		s.mu.Unlock()
		tokenError(w, http.StatusBadRequest, "invalid_request", "PKCE is not supported for OAuth 2.0 (3LO) apps.")
		return
	}
	c.used = true
	body := s.issue(grant{clientID: app.ClientID, scopes: c.scopes, family: &family{consentAt: s.now()}})
	s.mu.Unlock()
	s.changed()
	writeJSON(w, http.StatusOK, body)
}

// AtlassianReuseInterval is how long Atlassian accepts the refresh token a
// rotation replaced; set it as Config.RefreshReuseLeeway to behave alike.
const AtlassianReuseInterval = 10 * time.Minute

// family is one consent's chain of refresh tokens: the current one, and the
// one its last rotation replaced, which RefreshReuseLeeway may let a client
// use again whose answer was lost.
type family struct {
	consentAt time.Time
	current   string
	previous  string
	rotatedAt time.Time // when previous was replaced
	revoked   bool
}

func (s *Server) refreshGrant(w http.ResponseWriter, r *http.Request, app *App, form url.Values) {
	s.mu.Lock()
	token := form.Get("refresh_token")
	rt := s.refresh[token]
	if rt == nil || rt.clientID != app.ClientID || !s.spend(token, rt) {
		s.mu.Unlock()
		// A late reuse may have revoked the grant.
		s.changed()
		tokenError(w, http.StatusForbidden, "invalid_grant", "Unknown or invalid refresh token.")
		return
	}
	s.refreshN++
	body := s.issue(rt.grant)
	hold := s.hold
	s.mu.Unlock()
	// Kept before it is answered: a new refresh token that a restart
	// forgot would end the grant for the client that holds it.
	s.changed()
	if hold != nil {
		hold(r.Context())
	}
	writeJSON(w, http.StatusOK, body)
}

// spend decides whether token may be exchanged now, rotating, retiring or
// revoking as Atlassian does. The caller holds s.mu.
func (s *Server) spend(token string, rt *refreshToken) bool {
	now, f := s.now(), rt.family
	if token != f.current {
		// A rotation replaced it: a reuse, whatever comes of it.
		s.reuseN++
	}
	switch {
	case f.revoked || !now.Before(rt.expires) || !now.Before(f.consentAt.Add(s.cfg.GrantLifetime)):
		return false
	case token == f.current:
		f.previous, f.rotatedAt = token, now
		rt.rotatedAt = now
		s.supersedeAccess(f, now)
		return true
	case token == f.previous && s.cfg.RefreshReuseLeeway > 0 && now.Sub(f.rotatedAt) < s.cfg.RefreshReuseLeeway:
		// The answer to the rotation was lost: what it handed out is
		// retired, and the chain goes on from this second try.
		s.refresh[f.current].rotatedAt = now
		s.supersedeAccess(f, now)
		return true
	case s.cfg.RefreshReuseLeeway > 0:
		s.revoke(f, now)
	}
	return false
}

// supersedeAccess gives the family's access tokens SupersededAccessLifetime
// to live, as Atlassian stops the old access token ten minutes after a
// refresh: a client must not hand out an access token long after a newer
// one came. The caller holds s.mu and issues the newer one next.
func (s *Server) supersedeAccess(f *family, now time.Time) {
	until := now.Add(s.cfg.SupersededAccessLifetime)
	for _, g := range s.access {
		if g.family == f && g.expires.After(until) {
			g.expires = until
		}
	}
}

// revoke ends every token of the family: a rotated refresh token used too
// late may have been stolen. The caller holds s.mu.
func (s *Server) revoke(f *family, now time.Time) {
	f.revoked = true
	for _, rt := range s.refresh {
		if rt.family == f && rt.rotatedAt.IsZero() {
			rt.rotatedAt = now
		}
	}
	for _, g := range s.access {
		if g.family == f && g.expires.After(now) {
			g.expires = now
		}
	}
}

// issue makes a new access token and, when offline_access was granted, a
// new refresh token that becomes the family's current one. The caller
// holds s.mu.
func (s *Server) issue(g grant) map[string]any {
	now := s.now()
	access := s.random("access-")
	s.access[access] = &grant{clientID: g.clientID, scopes: g.scopes, expires: now.Add(s.cfg.AccessTokenLifetime), family: g.family}
	body := map[string]any{
		"access_token": access,
		"expires_in":   int(s.cfg.AccessTokenLifetime / time.Second),
		"token_type":   "Bearer",
		"scope":        strings.Join(g.scopes, " "),
	}
	if slices.Contains(g.scopes, offlineAccess) {
		refresh := s.random("refresh-")
		s.refresh[refresh] = &refreshToken{grant: grant{clientID: g.clientID, scopes: g.scopes, expires: now.Add(s.cfg.RefreshTokenLifetime), family: g.family}}
		g.family.current = refresh
		body["refresh_token"] = refresh
	}
	return body
}

// SetRefreshReuseLeeway changes Config.RefreshReuseLeeway: a test may
// need Atlassian's reuse interval on a server made for it.
func (s *Server) SetRefreshReuseLeeway(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.RefreshReuseLeeway = d
}

// HoldRefreshAnswers makes every successful refresh call hold after the
// rotation, before its answer is sent, and wait for it to return: a test
// can act at the moment the server has rotated and the client has nothing
// yet (ctx ends if the client hangs up). nil stops holding.
func (s *Server) HoldRefreshAnswers(hold func(ctx context.Context)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = hold
}

func tokenError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
