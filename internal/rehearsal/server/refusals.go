package server

import (
	"net/http"
	"net/url"
	"strings"
)

// RefusalCase is one request Atlassian refuses, with how it refuses it.
// The table is shared by every test of the rehearsal server, however it is
// started (`authwiz demo` or a test's own), so each is held to Atlassian's
// rules.
type RefusalCase struct {
	Name string
	// Request builds the request against the server at base.
	Request    func(base string) *http.Request
	WantStatus int
	// WantText is part of the answer's body.
	WantText string
}

// RefusalCases are requests against app (which must be registered with
// redirectURI as its Callback URL and read:confluence-user as a scope) that
// the server must refuse.
func RefusalCases(app App, redirectURI string) []RefusalCase {
	good := url.Values{
		"audience":      {"api.atlassian.com"},
		"client_id":     {app.ClientID},
		"scope":         {"read:confluence-user offline_access"},
		"redirect_uri":  {redirectURI},
		"state":         {"state-123"},
		"response_type": {"code"},
		"prompt":        {"consent"},
	}
	authorize := func(change func(q url.Values)) func(string) *http.Request {
		return func(base string) *http.Request {
			q := url.Values{}
			for k, v := range good {
				q[k] = append([]string(nil), v...)
			}
			change(q)
			req, _ := http.NewRequest(http.MethodGet, base+"/authorize?"+q.Encode(), nil)
			return req
		}
	}
	token := func(form url.Values) func(string) *http.Request {
		return func(base string) *http.Request {
			req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		}
	}
	const notRegistered = "redirect_uri is not registered for client"
	return []RefusalCase{
		{"unknown client", authorize(func(q url.Values) { q.Set("client_id", "nobody") }), 400, "failed to retrieve client"},
		{"redirect with extra trailing slash", authorize(func(q url.Values) { q.Set("redirect_uri", redirectURI+"/") }), 400, notRegistered},
		{"redirect with a longer path", authorize(func(q url.Values) { q.Set("redirect_uri", redirectURI+"x") }), 400, notRegistered},
		{"redirect on another port", authorize(func(q url.Values) { q.Set("redirect_uri", otherPort(redirectURI)) }), 400, notRegistered},
		{"redirect in other case", authorize(func(q url.Values) { q.Set("redirect_uri", strings.ToUpper(redirectURI)) }), 400, notRegistered},
		{"no audience", authorize(func(q url.Values) { q.Del("audience") }), 400, "audience"},
		{"wrong audience", authorize(func(q url.Values) { q.Set("audience", "api.atlassian.net") }), 400, "audience"},
		{"response_type token", authorize(func(q url.Values) { q.Set("response_type", "token") }), 400, "response_type"},
		{"no prompt", authorize(func(q url.Values) { q.Del("prompt") }), 400, "prompt"},
		{"no state", authorize(func(q url.Values) { q.Del("state") }), 400, "state"},
		{"PKCE challenge", authorize(func(q url.Values) { q.Set("code_challenge", "abc"); q.Set("code_challenge_method", "S256") }), 400, "PKCE"},
		{"resource parameter", authorize(func(q url.Values) { q.Set("resource", "https://api.atlassian.com") }), 400, "resource"},
		{"access_type offline", authorize(func(q url.Values) { q.Set("access_type", "offline") }), 400, "access_type"},
		{"openid scope", authorize(func(q url.Values) { q.Set("scope", "openid read:confluence-user") }), 400, "openid"},
		{"scope not added to the app", authorize(func(q url.Values) { q.Set("scope", "read:confluence-user manage:not-a-scope") }), 400, "scopes that have not been added to the app"},
		{"no scope", authorize(func(q url.Values) { q.Del("scope") }), 400, "scope parameter is required"},
		{"wrong client secret", token(url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {"wrong"}, "code": {"x"}, "redirect_uri": {redirectURI}}), 401, "access_denied"},
		{"unknown client at the token endpoint", token(url.Values{"grant_type": {"authorization_code"}, "client_id": {"nobody"}, "client_secret": {app.ClientSecret}, "code": {"x"}}), 401, "access_denied"},
		{"made-up code", token(url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "code": {"made-up"}, "redirect_uri": {redirectURI}}), 403, "invalid_grant"},
		{"made-up refresh token", token(url.Values{"grant_type": {"refresh_token"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "refresh_token": {"made-up"}}), 403, "Unknown or invalid refresh token."},
		{"password grant", token(url.Values{"grant_type": {"password"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}}), 400, "unsupported_grant_type"},
		{"API without a token", func(base string) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base+"/oauth/token/accessible-resources", nil)
			return req
		}, 401, "Unauthorized"},
		{"API with a made-up token", func(base string) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base+"/me", nil)
			req.Header.Set("Authorization", "Bearer made-up")
			return req
		}, 401, "Unauthorized"},
	}
}

// otherPort is redirectURI with its port changed (or added).
func otherPort(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return redirectURI + "x"
	}
	port := "1"
	if u.Port() == "1" {
		port = "2"
	}
	u.Host = u.Hostname() + ":" + port
	if strings.Contains(u.Hostname(), ":") {
		u.Host = "[" + u.Hostname() + "]:" + port
	}
	return u.String()
}
