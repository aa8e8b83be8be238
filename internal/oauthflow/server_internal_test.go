package oauthflow

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// serveForTest runs callbackServer with h on a loopback port.
func serveForTest(t *testing.T, h http.Handler, headerTimeout time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := callbackServer(h, headerTimeout)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// A connection that never finishes its headers is dropped, not kept open
// for the whole wait.
func TestListenerDropsAConnectionThatHoldsBackItsHeaders(t *testing.T) {
	addr := serveForTest(t, http.NotFoundHandler(), 50*time.Millisecond)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /callback HTTP/1.1\r\nHost: localhost\r\n"); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the listener still holds a connection whose headers never came")
	}
}

// What the HTTP server would complain about goes nowhere: the terminal
// belongs to the wizard, and a request line may carry a code.
func TestListenerPrintsNothing(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	addr := serveForTest(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("the-code-from-the-request")
	}), time.Second)
	if resp, err := http.Get("http://" + addr + "/callback?code=the-code"); err == nil {
		resp.Body.Close()
	}
	if strings.Contains(logged.String(), "the-code") {
		t.Fatalf("the listener printed: %s", logged.String())
	}
}
