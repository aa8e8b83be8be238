package testport_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/authwiz/authwiz/internal/oauthflow/testport"
)

func TestFreePortCanBeListenedOn(t *testing.T) {
	port := testport.Free(t)
	if port < 20000 || port > 32767 {
		t.Fatalf("port %d is in a range used for outgoing connections", port)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
}
