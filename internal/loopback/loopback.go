// Package loopback decides everything authwiz asks about listening on this
// computer, for the wizard's port check and the consent's listener alike:
// whether a Redirect URL is served here and on which addresses, whether
// its port is free, which port to offer instead, and whether a listen
// failed because the port is taken (which Windows reports with an error
// code of its own).
package loopback

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ErrNotLocal: the Redirect URL is not served on this computer, so there
// is no port to check and only a pasted answer can finish a consent.
var ErrNotLocal = errors.New("the Redirect URL is not on this computer")

// DynamicPortsStart is where Windows (and IANA) hand out ports to any
// program; a port chosen for a Redirect URL stays below it.
const DynamicPortsStart = 49152

// freePortSpan is how far past the busy port FreePort looks.
const freePortSpan = 200

// Addrs lists the addresses a browser may deliver redirectURL's callback
// to: both loopback addresses for localhost (in any letter case, as
// browsers and Atlassian treat host names), the address itself for a
// loopback IP. It returns ErrNotLocal for anything else, including https,
// which authwiz cannot serve.
func Addrs(redirectURL string) ([]string, error) {
	u, err := url.Parse(redirectURL)
	if err != nil || u.Scheme != "http" {
		return nil, ErrNotLocal
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return []string{net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port)}, nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return []string{net.JoinHostPort(host, port)}, nil
	}
	return nil, ErrNotLocal
}

// HostAllowed reports whether a request's Host header names redirectURL's
// listener: the Redirect URL's host and port (in any letter case, the
// port left out when it is the scheme's default), or one of the loopback
// addresses it is served on. Any other name means the request was meant
// for another site, as in a DNS rebinding attack, and is no answer.
func HostAllowed(redirectURL, host string) bool {
	addrs, err := Addrs(redirectURL)
	if err != nil {
		return false
	}
	u, _ := url.Parse(redirectURL)
	_, port, _ := net.SplitHostPort(addrs[0])
	names := append(addrs, net.JoinHostPort(u.Hostname(), port))
	if port == "80" {
		names = append(names, u.Hostname())
	}
	for _, name := range names {
		if strings.EqualFold(host, name) {
			return true
		}
	}
	return false
}

// Check listens for a moment on every address of redirectURL, the way the
// consent's listener will: the first must be free; a later one (::1) only
// where this computer has it.
func Check(redirectURL string) error {
	addrs, err := Addrs(redirectURL)
	if err != nil {
		return err
	}
	for i, addr := range addrs {
		l, err := net.Listen("tcp", addr)
		if err == nil {
			l.Close()
			continue
		}
		_, port, _ := net.SplitHostPort(addr)
		switch {
		case IsAddrInUse(err):
			return fmt.Errorf("port %s is already taken by another program", port)
		case i > 0:
			continue // no IPv6 loopback here: nothing to collide with
		}
		return fmt.Errorf("port %s: %w", port, err)
	}
	return nil
}

// FreePort finds the first free port after redirectURL's, staying below
// the dynamic range so the choice does not collide with passing
// connections.
func FreePort(redirectURL string) (int, error) {
	addrs, err := Addrs(redirectURL)
	if err != nil {
		return 0, err
	}
	_, p, _ := net.SplitHostPort(addrs[0])
	port, _ := strconv.Atoi(p)
	limit := port + freePortSpan
	if port < DynamicPortsStart {
		limit = min(limit, DynamicPortsStart)
	}
	for candidate := port + 1; candidate < min(limit, 65536); candidate++ {
		if Check(WithPort(redirectURL, candidate)) == nil {
			return candidate, nil
		}
	}
	return 0, fmt.Errorf("no free port found between %d and %d", port+1, limit-1)
}

// WithPort returns redirectURL with its port replaced.
func WithPort(redirectURL string, port int) string {
	u, err := url.Parse(redirectURL)
	if err != nil {
		return redirectURL
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	return u.String()
}

// Ports is Check and FreePort as a value, for callers that take them
// through an interface.
type Ports struct{}

// Check is the package's Check.
func (Ports) Check(redirectURL string) error { return Check(redirectURL) }

// FreePort is the package's FreePort.
func (Ports) FreePort(redirectURL string) (int, error) { return FreePort(redirectURL) }
