// Package server is the rehearsal server, a feature of authwiz itself:
// `authwiz demo` runs it so an admin can walk the whole guide and see a
// consent complete before having an Atlassian app. It is an authorization
// and API server that behaves as Atlassian's does for OAuth 2.0 (3LO), as
// strictly: exact redirect_uri, audience and prompt required, single-use
// codes, the client secret checked, Atlassian's consent page ("Use app on",
// Accept, Cancel) and error pages, grants that reach only the sites chosen,
// and refresh tokens that rotate, with Atlassian's reuse interval and
// limits. Because it is held to Atlassian's rules, authwiz's own tests run
// against it too.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// App is an OAuth 2.0 (3LO) app as registered in the Developer Console.
type App struct {
	ClientID     string
	ClientSecret string
	Name         string
	// CallbackURLs are the registered Callback URLs; redirect_uri must equal
	// one of them exactly.
	CallbackURLs []string
	// Scopes are the scopes added under Permissions; offline_access is
	// always allowed on top.
	Scopes []string
	// GrantedSites are the cloud IDs of the sites the user has let the app
	// use so far. Atlassian keeps one grant per app and account: each
	// Accept adds the site chosen under "Use app on", and every token of
	// the app reaches every site added, and no other.
	GrantedSites []string
}

// Site is a cloud site the user works on. A grant reaches it once a consent
// chose it (App.GrantedSites), unless its admins let no user connect apps
// on their own (AdminMustAuthorize).
type Site struct {
	ID, Name, URL string
	Spaces        []string
	// AdminMustAuthorize starts the site off as
	// Server.SetSiteAdminMustAuthorize(Name, true) does.
	AdminMustAuthorize bool
}

// host is the site's address without its scheme, as Atlassian names a
// site on its pages: acme.atlassian.net.
func (site Site) host() string {
	if u, err := url.Parse(site.URL); err == nil && u.Host != "" {
		return u.Host
	}
	return site.Name
}

// User is the account that consents.
type User struct {
	AccountID, Name, Email string
}

// Config describes the server's world.
type Config struct {
	Apps  []App
	Sites []Site
	User  User
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// AccessTokenLifetime defaults to an hour, CodeLifetime to ten minutes.
	AccessTokenLifetime time.Duration
	CodeLifetime        time.Duration
	// RefreshTokenLifetime is how long a refresh token lasts unused;
	// Atlassian's is 90 days, the default.
	RefreshTokenLifetime time.Duration
	// RefreshReuseLeeway lets the refresh token a rotation replaced be
	// used again for a while, as Atlassian does for ten minutes
	// (AtlassianReuseInterval); using it, or any older one, after that is
	// refused and revokes the whole grant. Zero (the default) is strict:
	// any reuse is refused, and nothing else changes, so a client that
	// loses a rotated token is caught at once.
	RefreshReuseLeeway time.Duration
	// GrantLifetime is how long a consent's tokens can be refreshed at
	// all, however often they are used; Atlassian's is 365 days, the
	// default.
	GrantLifetime time.Duration
	// SupersededAccessLifetime is how long access tokens keep working
	// after a refresh issued a newer one (within their own lifetime);
	// Atlassian's is ten minutes (AtlassianReuseInterval), the default.
	SupersededAccessLifetime time.Duration
	// Random feeds codes and tokens; nil means crypto/rand.
	Random io.Reader
	// DescribeScope, when set, adds a description to each scope on the
	// consent page.
	DescribeScope func(scope string) string
	// Changed, when set, is called after a Callback URL is registered, a
	// consent lets an app use another site or a grant's tokens change, before the answer is sent, so the state can
	// be kept (MarshalState). It is called without the server's lock held,
	// possibly from several requests at once.
	Changed func()
}

// Server is the rehearsal's Atlassian. It is safe for concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	randMu sync.Mutex

	mu       sync.Mutex
	pending  map[string]*pendingConsent
	codes    map[string]*codeGrant
	access   map[string]*grant
	refresh  map[string]*refreshToken
	refreshN int
	reuseN   int
	failNext []int
	// adminOnly holds the IDs of sites whose admins must authorize an
	// app before a user can connect it.
	adminOnly map[string]bool
	delay     time.Duration
	hold      func(context.Context)
}

// grant is what one consent allowed.
type grant struct {
	clientID string
	scopes   []string
	expires  time.Time
	family   *family // the consent's chain of refresh tokens
}

type pendingConsent struct {
	expires     time.Time
	app         *App
	redirectURI string
	state       string
	scopes      []string
}

type codeGrant struct {
	grant
	redirectURI string
	used        bool
}

type refreshToken struct {
	grant               // its expires is when it lapses unused
	rotatedAt time.Time // zero while it is the current one
}

// New makes a server for cfg.
func New(cfg Config) *Server {
	if cfg.AccessTokenLifetime == 0 {
		cfg.AccessTokenLifetime = time.Hour
	}
	if cfg.CodeLifetime == 0 {
		cfg.CodeLifetime = 10 * time.Minute
	}
	if cfg.RefreshTokenLifetime == 0 {
		cfg.RefreshTokenLifetime = 90 * 24 * time.Hour
	}
	if cfg.GrantLifetime == 0 {
		cfg.GrantLifetime = 365 * 24 * time.Hour
	}
	if cfg.SupersededAccessLifetime == 0 {
		cfg.SupersededAccessLifetime = AtlassianReuseInterval
	}
	// The server changes its apps (RegisterCallback): it must not share
	// them with the caller or with another server made from the same Config.
	cfg.Apps = slices.Clone(cfg.Apps)
	for i := range cfg.Apps {
		cfg.Apps[i].CallbackURLs = slices.Clone(cfg.Apps[i].CallbackURLs)
		cfg.Apps[i].GrantedSites = slices.Clone(cfg.Apps[i].GrantedSites)
	}
	s := &Server{
		cfg:       cfg,
		pending:   map[string]*pendingConsent{},
		codes:     map[string]*codeGrant{},
		access:    map[string]*grant{},
		refresh:   map[string]*refreshToken{},
		adminOnly: map[string]bool{},
	}
	for _, site := range cfg.Sites {
		s.adminOnly[site.ID] = site.AdminMustAuthorize
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /authorize/decide", s.decide)
	mux.HandleFunc("GET "+errorPath, s.showError)
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("GET /oauth/token/accessible-resources", s.accessibleResources)
	mux.HandleFunc("GET /ex/confluence/{cloudid}/wiki/rest/api/user/current", s.confluenceUser)
	mux.HandleFunc("GET /ex/confluence/{cloudid}/wiki/api/v2/spaces", s.confluenceSpaces)
	mux.HandleFunc("GET /me", s.me)
	s.mux = mux
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// random makes an unguessable value with a readable prefix. It takes its
// own lock: a seeded Config.Random is not safe for concurrent use.
func (s *Server) random(prefix string) string {
	var b [24]byte
	s.randMu.Lock()
	defer s.randMu.Unlock()
	r := s.cfg.Random
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic("rehearsal server: no randomness: " + err.Error())
	}
	return prefix + hex.EncodeToString(b[:])
}

func (s *Server) app(clientID string) *App {
	for i := range s.cfg.Apps {
		if s.cfg.Apps[i].ClientID == clientID {
			return &s.cfg.Apps[i]
		}
	}
	return nil
}

// RegisterCallback adds a Callback URL to the app with clientID, as saving
// it under Authorization in the Developer Console does.
func (s *Server) RegisterCallback(clientID, callbackURL string) error {
	s.mu.Lock()
	app := s.app(clientID)
	if app == nil {
		s.mu.Unlock()
		return fmt.Errorf("no app has the Client ID %q", clientID)
	}
	added := !slices.Contains(app.CallbackURLs, callbackURL)
	if added {
		app.CallbackURLs = append(app.CallbackURLs, callbackURL)
	}
	s.mu.Unlock()
	if added {
		s.changed()
	}
	return nil
}

func (s *Server) changed() {
	if s.cfg.Changed != nil {
		s.cfg.Changed()
	}
}

// FailNextTokenRequests makes the next token requests answer with these
// HTTP statuses, one each, before working normally again.
func (s *Server) FailNextTokenRequests(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, statuses...)
}

// SetTokenDelay slows every token request, to widen races in tests.
func (s *Server) SetTokenDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Refreshes counts successful refresh grants.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshN
}

// Reuses counts refresh requests that presented a refresh token a
// rotation had already replaced, whether the reuse interval let them
// through or not: clients that share a grant properly never make one.
func (s *Server) Reuses() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reuseN
}

// CurrentRefreshTokens are the refresh tokens that have not been rotated.
func (s *Server) CurrentRefreshTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t, rt := range s.refresh {
		if rt.rotatedAt.IsZero() {
			out = append(out, t)
		}
	}
	return out
}
