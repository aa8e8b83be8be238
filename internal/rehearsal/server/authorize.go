package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authorize checks an authorization request as Atlassian does and shows the
// consent page. Problems send the browser to the server's own error page
// (as Atlassian's go to id.atlassian.com/error), never to the redirect_uri:
// like Atlassian, it does not send the browser to an address it has not
// matched exactly.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app, scopes, problem := s.checkAuthorize(q)
	if problem != nil {
		s.refuse(w, r, *problem)
		return
	}
	id := s.random("consent-")
	s.mu.Lock()
	s.forgetExpired()
	s.pending[id] = &pendingConsent{expires: s.now().Add(consentLifetime), app: app, redirectURI: q.Get("redirect_uri"), state: q.Get("state"), scopes: scopes}
	s.mu.Unlock()
	s.consentPage(w, http.StatusOK, id, app, scopes)
}

func (s *Server) checkAuthorize(q url.Values) (*App, []string, *refusal) {
	// Callback URLs can be registered while the server runs.
	s.mu.Lock()
	app := s.app(q.Get("client_id"))
	registered := app != nil && slices.Contains(app.CallbackURLs, q.Get("redirect_uri"))
	s.mu.Unlock()
	bad := func(description string) *refusal { return &refusal{"invalid_request", description} }
	switch {
	case app == nil:
		return nil, nil, &unknownClient
	case !registered:
		return nil, nil, redirectNotRegistered(q.Get("redirect_uri"))
	case q.Get("audience") != "api.atlassian.com":
		return nil, nil, bad("The audience parameter must be api.atlassian.com.")
	case q.Get("response_type") != "code":
		return nil, nil, bad("response_type must be code.")
	case q.Get("prompt") != "consent":
		return nil, nil, bad("prompt must be consent.")
	case q.Get("state") == "":
		return nil, nil, bad("The state parameter is required.")
	case q.Has("code_challenge") || q.Has("code_challenge_method"):
		return nil, nil, bad("PKCE is not supported for OAuth 2.0 (3LO) apps.")
	case q.Has("resource"):
		return nil, nil, bad("The resource parameter is not supported.")
	case q.Has("access_type"):
		return nil, nil, bad("access_type is not supported; ask for offline_access instead.")
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		return nil, nil, bad("The scope parameter is required.")
	}
	if slices.Contains(scopes, "openid") {
		return nil, nil, &refusal{"invalid_scope", "openid is not supported for OAuth 2.0 (3LO) apps."}
	}
	var missing []string
	for _, sc := range scopes {
		if sc != offlineAccess && !slices.Contains(app.Scopes, sc) && !slices.Contains(missing, sc) {
			missing = append(missing, sc)
		}
	}
	if len(missing) > 0 {
		return nil, nil, scopesNotAdded(missing)
	}
	return app, scopes, nil
}

const offlineAccess = "offline_access"

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
