// Package testport finds a port for a test's fixed Redirect URL.
package testport

import (
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
)

// Ports outside every system's range for outgoing connections (Linux
// 32768–60999, Windows and macOS 49152–65535): a port the kernel hands to
// an outgoing connection between finding it and listening on it would
// make a test fail as if the port were busy.
const (
	lowest  = 20000
	highest = 32767
)

// Free returns a port nothing listens on, on 127.0.0.1 or on ::1, that the
// test can put in a Redirect URL and register with a fake server.
func Free(t testing.TB) int {
	t.Helper()
	for range 100 {
		port := lowest + rand.IntN(highest-lowest+1)
		if bindable("127.0.0.1", port) && bindable("::1", port) {
			return port
		}
	}
	t.Fatal("no free port found for the Redirect URL")
	return 0
}

// bindable reports whether host:port can be listened on; a host this
// machine does not have (no IPv6) does not count against the port.
func bindable(host string, port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err == nil {
		ln.Close()
		return true
	}
	probe, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return true
	}
	probe.Close()
	return false
}
