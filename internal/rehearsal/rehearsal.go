// Package rehearsal runs the Atlassian-like server behind `authwiz demo`, so
// an admin without an Atlassian app yet can walk all twelve steps and see a
// real consent, Accept and Cancel included. Rehearsal profiles live in a store
// of their own, and rehearsal values are refused in real profiles.
package rehearsal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/authwiz/authwiz/internal/loopback"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal/sampleapp"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
)

// DefaultPort is where the rehearsal server listens: next to the default
// Redirect URL's port, outside common development ports and Windows'
// dynamic range, and fixed so a rehearsal profile's endpoints keep working
// from one `authwiz demo` run to the next.
const DefaultPort = 47620

// The rehearsal app's credentials; they work against this server only.
// sampleapp.LooksLikeRehearsalClientID notices a typo of the Client ID.
const (
	ClientID     = sampleapp.ClientID
	ClientSecret = sampleapp.ClientSecret
	AppName      = sampleapp.AppName
)

// Dir is where rehearsal profiles are kept, inside authwiz's config dir.
func Dir(configDir string) string { return filepath.Join(configDir, "rehearsal") }

// Server is a running rehearsal server.
type Server struct {
	fake *atlserver.Server
	srv  *http.Server
	base string
	done chan error
}

// Start listens on 127.0.0.1:port (0 picks a free port) and serves.
func Start(port int) (*Server, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if loopback.IsAddrInUse(err) {
			return nil, fmt.Errorf("port %d is in use, perhaps by another `authwiz demo`: close it, or start this one with --port and another number", port)
		}
		return nil, fmt.Errorf("start the rehearsal server on %s: %w", addr, err)
	}
	fake := atlserver.New(atlserver.Sample())
	s := &Server{
		fake: fake,
		srv:  &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second},
		base: "http://" + ln.Addr().String(),
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// BaseURL is the server's root, e.g. http://127.0.0.1:47620.
func (s *Server) BaseURL() string { return s.base }

// Port is the port the server listens on.
func (s *Server) Port() int {
	_, port, _ := net.SplitHostPort(s.base[len("http://"):])
	n, _ := strconv.Atoi(port)
	return n
}

// AuthURL, TokenURL and APIBaseURL are the endpoints a rehearsal profile uses.
func (s *Server) AuthURL() string    { return s.base + "/authorize" }
func (s *Server) TokenURL() string   { return s.base + "/oauth/token" }
func (s *Server) APIBaseURL() string { return s.base }

// RegisterCallback does in rehearsal what the admin does in the Developer
// Console at step 7: it registers the Redirect URL as the app's Callback URL.
func (s *Server) RegisterCallback(redirectURL string) error {
	return s.fake.RegisterCallback(ClientID, redirectURL)
}

// Close stops the server, letting requests in flight finish.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// ErrRehearsalValue is why a real profile may not hold rehearsal values.
var ErrRehearsalValue = errors.New("these are the rehearsal app's credentials, which work only in `authwiz demo`: use the Client ID and Secret of your own app from Settings in the Atlassian Developer Console")

// RefuseInReal is a profile check for the real store: rehearsal values
// never end up in a real profile.
func RefuseInReal(p profile.Profile, sec profile.Secrets) error {
	if p.ClientID == ClientID || sec.ClientSecret == ClientSecret {
		return ErrRehearsalValue
	}
	return nil
}
