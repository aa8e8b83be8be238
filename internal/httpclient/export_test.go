package httpclient

import (
	"context"
	"net"
)

// WithDial makes c open connections with dial, to stand in for a host
// that never accepts.
func WithDial(c Config, dial func(ctx context.Context, network, addr string) (net.Conn, error)) Config {
	c.dial = dial
	return c
}

// Defaults exposes the filled-in limits.
func Defaults(c Config) Config { return c.withDefaults() }
