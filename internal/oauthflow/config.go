package oauthflow

import (
	"crypto/rand"
	"io"
	"net/http"
	"time"

	"github.com/authwiz/authwiz/internal/httpclient"
)

// Config is one app registration and what to ask of it.
type Config struct {
	ClientID     string
	ClientSecret string
	AuthURL      string
	TokenURL     string
	// RedirectURL must equal the callback URL registered with the app,
	// character for character.
	RedirectURL string
	Scopes      []string
	// AuthParams are added to the authorization URL, for example
	// Atlassian's audience and prompt.
	AuthParams map[string]string
}

// Defaults for a Session.
const (
	DefaultTimeout   = 5 * time.Minute
	DefaultHintAfter = 60 * time.Second
)

// OfflineAccessScope asks for a refresh token; when it is requested the
// exchange insists on getting one.
const OfflineAccessScope = "offline_access"

// Option changes how a Session behaves.
type Option func(*options)

type options struct {
	timeout        time.Duration
	hintAfter      time.Duration
	http           *http.Client
	requestTimeout time.Duration
	random         io.Reader
}

func defaultOptions() options {
	return options{timeout: DefaultTimeout, hintAfter: DefaultHintAfter, random: rand.Reader, requestTimeout: httpclient.DefaultOverall}
}

// client is the HTTP client that talks to the token endpoint: the
// caller's, or one whose every step is bounded by the request timeout.
func (o options) client() *http.Client {
	if o.http != nil {
		return o.http
	}
	return httpclient.New(httpclient.Config{Overall: o.requestTimeout})
}

// WithTimeout bounds the wait for the browser's answer (default 5 minutes).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithHintAfter sets how long nothing may arrive before WaitStalled
// reports it (default 60 seconds).
func WithHintAfter(d time.Duration) Option { return func(o *options) { o.hintAfter = d } }

// WithHTTPClient sets the client that talks to the token endpoint; nil
// keeps the default, a client bounded by the request timeout.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.http = c } }

// WithRequestTimeout bounds each call to the token endpoint, answer
// included (default 30 seconds), for a proxy or server that needs longer.
// It applies to the default client, not to one set with WithHTTPClient.
func WithRequestTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.requestTimeout = d
		}
	}
}

// WithRandom replaces the source of the state value, so tests can make the
// authorization URL predictable.
func WithRandom(r io.Reader) Option { return func(o *options) { o.random = r } }
