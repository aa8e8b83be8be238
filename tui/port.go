package tui

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/authwiz/authwiz/internal/loopback"
)

// loopbackPorts checks Redirect URL ports on this computer by listening on
// them for a moment, the way the consent's callback listener will.
type loopbackPorts struct{}

// errNotLocal: the Redirect URL is not served on this computer, so there
// is no port to check.
var errNotLocal = errors.New("the Redirect URL is not on this computer")

// dynamicPortsStart is where Windows (and IANA) hand out ports to any
// program; a port chosen for the Redirect URL stays below it.
const dynamicPortsStart = 49152

// Check listens on the URL's port on the loopback addresses the callback
// listener uses: 127.0.0.1 must be free; ::1 only where IPv6 exists.
func (loopbackPorts) Check(redirectURL string) error {
	host, port, err := loopbackHostPort(redirectURL)
	if err != nil {
		return err
	}
	for _, addr := range listenAddrs(host) {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			if addr == "::1" && !loopback.IsAddrInUse(err) {
				continue // no IPv6 loopback here: nothing to collide with
			}
			if loopback.IsAddrInUse(err) {
				return fmt.Errorf("port %d is already taken by another program", port)
			}
			return fmt.Errorf("port %d: %w", port, err)
		}
		l.Close()
	}
	return nil
}

// FreePort finds the first free port after the URL's, staying below the
// dynamic range so the choice does not collide with passing connections.
func (p loopbackPorts) FreePort(redirectURL string) (int, error) {
	_, port, err := loopbackHostPort(redirectURL)
	if err != nil {
		return 0, err
	}
	limit := port + 200
	if port < dynamicPortsStart {
		limit = min(limit, dynamicPortsStart)
	}
	for candidate := port + 1; candidate < min(limit, 65536); candidate++ {
		if p.Check(withPort(redirectURL, candidate)) == nil {
			return candidate, nil
		}
	}
	return 0, fmt.Errorf("no free port found between %d and %d", port+1, limit-1)
}

// loopbackHostPort extracts the loopback host and explicit port of an http
// Redirect URL.
func loopbackHostPort(redirectURL string) (string, int, error) {
	u, err := url.Parse(redirectURL)
	if err != nil || u.Scheme != "http" {
		return "", 0, errNotLocal
	}
	host := u.Hostname()
	if host != "localhost" && host != "127.0.0.1" && host != "::1" {
		return "", 0, errNotLocal
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return "", 0, errNotLocal
	}
	return host, port, nil
}

func listenAddrs(host string) []string {
	if host == "localhost" {
		return []string{"127.0.0.1", "::1"}
	}
	return []string{host}
}

// withPort returns redirectURL with its port replaced.
func withPort(redirectURL string, port int) string {
	u, err := url.Parse(redirectURL)
	if err != nil {
		return redirectURL
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	return u.String()
}
