// Package httpclient builds the one HTTP client every authwiz network call
// uses: each step of a request is bounded, the caller's context is
// honoured, proxies come from the environment and redirects are followed
// as net/http does. A request that runs out of time fails with a
// *TimeoutError that names the endpoint, how long it waited and what to
// check, so no command waits on the network for ever.
package httpclient

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Default limits. A connection or handshake that takes longer than a few
// seconds is broken, not slow; the answer itself may take longer.
const (
	DefaultConnect      = 10 * time.Second
	DefaultTLSHandshake = 10 * time.Second
	DefaultOverall      = 30 * time.Second
)

// Config bounds each step of a request. A zero field takes its default.
type Config struct {
	// Connect bounds opening the TCP connection (to the proxy, when one
	// is used), name lookup included.
	Connect time.Duration
	// TLSHandshake bounds setting up the secure connection.
	TLSHandshake time.Duration
	// ResponseHeader bounds the wait for the answer's headers once the
	// request is sent; zero means the same as Overall, so a longer
	// Overall (a --timeout setting) lets a slow server answer.
	ResponseHeader time.Duration
	// Overall bounds one request from start to the end of its body.
	// Each redirect followed is a request of its own.
	Overall time.Duration

	// Proxy chooses the proxy for a request; nil means the environment
	// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as net/http does.
	Proxy func(*http.Request) (*url.URL, error)

	// dial opens connections; nil means a net.Dialer. Tests replace it
	// to stand in for a host that never accepts.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// withDefaults fills the zero fields. Connect and TLSHandshake never
// exceed Overall, so a short Overall is a real bound.
func (c Config) withDefaults() Config {
	if c.Overall <= 0 {
		c.Overall = DefaultOverall
	}
	if c.Connect <= 0 {
		c.Connect = min(DefaultConnect, c.Overall)
	}
	if c.TLSHandshake <= 0 {
		c.TLSHandshake = min(DefaultTLSHandshake, c.Overall)
	}
	if c.ResponseHeader <= 0 {
		c.ResponseHeader = c.Overall
	}
	if c.Proxy == nil {
		c.Proxy = http.ProxyFromEnvironment
	}
	if c.dial == nil {
		c.dial = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	}
	return c
}

// New returns a client bounded by c. It follows redirects as
// http.DefaultClient does.
func New(c Config) *http.Client {
	c = c.withDefaults()
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = c.Proxy
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, c.Connect)
		defer cancel()
		return c.dial(ctx, network, addr)
	}
	base.TLSHandshakeTimeout = c.TLSHandshake
	base.ResponseHeaderTimeout = c.ResponseHeader
	return &http.Client{Transport: &bounded{base: base, cfg: c}}
}

// Default is New with the default limits.
func Default() *http.Client { return New(Config{}) }

type settingKey struct{}

// WithSetting names where a request's address comes from, such as
// "the Token URL", so a timeout can say what to check.
func WithSetting(ctx context.Context, setting string) context.Context {
	return context.WithValue(ctx, settingKey{}, setting)
}

func settingOf(ctx context.Context) string {
	s, _ := ctx.Value(settingKey{}).(string)
	return s
}
