package loopback

import (
	"net"
	"testing"
)

func TestIsAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = net.Listen("tcp", ln.Addr().String())
	if err == nil || !IsAddrInUse(err) {
		t.Fatalf("a second listen on %s: %v, want address in use", ln.Addr(), err)
	}
	if IsAddrInUse(net.ErrClosed) {
		t.Error("other errors are not 'in use'")
	}
}
