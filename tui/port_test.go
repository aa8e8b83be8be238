package tui

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestLoopbackPorts(t *testing.T) {
	// A port below the dynamic range, as a Redirect URL would use.
	var l net.Listener
	var err error
	port := 40000
	for ; port < 40100; port++ {
		if l, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
	}
	if l == nil {
		t.Skip("no loopback port free here:", err)
	}
	defer l.Close()
	busy := "http://localhost:" + strconv.Itoa(port) + "/callback"
	var p loopbackPorts
	err = p.Check(busy)
	if err == nil || !strings.Contains(err.Error(), "already taken") {
		t.Fatalf("Check(busy) = %v", err)
	}
	free, err := p.FreePort(busy)
	if err != nil || free <= port || free >= dynamicPortsStart {
		t.Fatalf("FreePort = %d, %v", free, err)
	}
	if err := p.Check(withPort(busy, free)); err != nil {
		t.Fatalf("the free port is not free: %v", err)
	}
	if err := p.Check("https://example.com/callback"); err != errNotLocal {
		t.Fatalf("Check(remote) = %v, want errNotLocal", err)
	}
}
