package server

import (
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
		s.refreshGrant(w, app, form)
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
	defer s.mu.Unlock()
	c := s.codes[form.Get("code")]
	switch {
	case c == nil || c.used || c.clientID != app.ClientID:
		tokenError(w, http.StatusForbidden, "invalid_grant", "Invalid authorization code")
		return
	case s.now().After(c.expires):
		tokenError(w, http.StatusForbidden, "invalid_grant", "Authorization code has expired")
		return
	case form.Get("redirect_uri") != c.redirectURI:
		tokenError(w, http.StatusForbidden, "invalid_grant", "redirect_uri does not match the one used to authorize")
		return
	}
	if form.Has("code_verifier") {
		tokenError(w, http.StatusBadRequest, "invalid_request", "PKCE is not supported for OAuth 2.0 (3LO) apps.")
		return
	}
	c.used = true
	s.issue(w, grant{clientID: app.ClientID, scopes: c.scopes})
}

func (s *Server) refreshGrant(w http.ResponseWriter, app *App, form url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.refresh[form.Get("refresh_token")]
	now := s.now()
	if rt == nil || rt.clientID != app.ClientID || !now.Before(rt.expires) ||
		(!rt.rotatedAt.IsZero() && now.Sub(rt.rotatedAt) >= s.cfg.RefreshReuseLeeway) {
		tokenError(w, http.StatusForbidden, "invalid_grant", "Unknown or invalid refresh token.")
		return
	}
	if rt.rotatedAt.IsZero() {
		rt.rotatedAt = now
	}
	s.refreshN++
	s.issue(w, rt.grant)
}

// issue answers with a new access token and, when offline_access was
// granted, a new refresh token. The caller holds s.mu.
func (s *Server) issue(w http.ResponseWriter, g grant) {
	access := s.random("access-")
	g.expires = s.now().Add(s.cfg.AccessTokenLifetime)
	s.access[access] = &grant{clientID: g.clientID, scopes: g.scopes, expires: g.expires}
	body := map[string]any{
		"access_token": access,
		"expires_in":   int(s.cfg.AccessTokenLifetime / time.Second),
		"token_type":   "Bearer",
		"scope":        strings.Join(g.scopes, " "),
	}
	if slices.Contains(g.scopes, offlineAccess) {
		refresh := s.random("refresh-")
		s.refresh[refresh] = &refreshToken{grant: grant{clientID: g.clientID, scopes: g.scopes, expires: s.now().Add(s.cfg.RefreshTokenLifetime)}}
		body["refresh_token"] = refresh
	}
	writeJSON(w, http.StatusOK, body)
}

func tokenError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
