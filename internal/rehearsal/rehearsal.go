// Package rehearsal runs the Atlassian-like server behind `authwiz demo`, so
// an admin without an Atlassian app yet can walk all twelve steps and see a
// real consent, Accept and Cancel included. Rehearsal profiles live in a store
// of their own, and rehearsal values are refused in real profiles.
package rehearsal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authwiz/authwiz/internal/loopback"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal/sampleapp"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/validate"
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
	dir  string // where its state and port are kept; "" keeps nothing

	saveMu  sync.Mutex
	saveErr error // the first failure to keep the state
}

// Option changes how Start runs the server.
type Option func(*Server)

// KeepIn keeps the server's registered Callback URLs and grants in dir
// (the rehearsal dir, Dir) and brings them back on the next Start, so a
// rehearsal profile keeps working from one `authwiz demo` run to the next;
// and records the port there while it runs, for Follow.
func KeepIn(dir string) Option { return func(s *Server) { s.dir = dir } }

// The files KeepIn keeps in the rehearsal dir.
const (
	stateFile = "server-state.json"
	portFile  = "server.port"
)

// Start listens on 127.0.0.1:port (0 picks a free port) and serves.
func Start(port int, opts ...Option) (*Server, error) {
	s := &Server{done: make(chan error, 1)}
	for _, o := range opts {
		o(s)
	}
	cfg := atlserver.Sample()
	if s.dir != "" {
		cfg.Changed = s.save
	}
	s.fake = atlserver.New(cfg)
	if err := s.restore(); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if loopback.IsAddrInUse(err) {
			return nil, fmt.Errorf("port %d is in use, perhaps by another `authwiz demo`: close it, or start this one with --port and another number", port)
		}
		return nil, fmt.Errorf("start the rehearsal server on %s: %w", addr, err)
	}
	s.srv = &http.Server{Handler: s.fake, ReadHeaderTimeout: 10 * time.Second}
	s.base = "http://" + ln.Addr().String()
	if s.dir != "" {
		if err := profile.WriteFilePrivate(filepath.Join(s.dir, portFile), []byte(strconv.Itoa(s.Port())+"\n")); err != nil {
			ln.Close()
			return nil, fmt.Errorf("record the rehearsal server's port: %w", err)
		}
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// restore brings back the state an earlier run kept, if any.
func (s *Server) restore() error {
	if s.dir == "" {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("make the rehearsal dir: %w", err)
	}
	path := filepath.Join(s.dir, stateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = s.fake.RestoreState(data)
	}
	if err != nil {
		return fmt.Errorf("%w (in %s): delete that file to start the rehearsal afresh; rehearsal profiles then need `authwiz login --rehearsal` again", err, path)
	}
	return nil
}

// save keeps the server's state after each change. One save at a time,
// each writing the state as it is then, so the last write holds every
// change. A failure is kept for Close: the server cannot tell the client.
func (s *Server) save() {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	data, err := s.fake.MarshalState()
	if err == nil {
		err = profile.WriteFilePrivate(filepath.Join(s.dir, stateFile), data)
	}
	if err != nil && s.saveErr == nil {
		s.saveErr = fmt.Errorf("keep the rehearsal server's grants for the next run: %w", err)
	}
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

// Close stops the server, letting requests in flight finish, and removes
// its port record. It reports a failure to keep the state, too.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if s.dir != "" {
		// Another demo may have started on another port since: its record
		// stays.
		if port, ok := RunningPort(s.dir); ok && port == s.Port() {
			os.Remove(filepath.Join(s.dir, portFile))
		}
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	return errors.Join(err, s.saveErr)
}

// RunningPort is the port of the demo whose server keeps its state in dir,
// as it recorded it; ok is false when none is running. A demo killed
// without closing leaves its record behind: a connection to the port then
// fails as it would have without Follow.
func RunningPort(dir string) (port int, ok bool) {
	data, err := os.ReadFile(filepath.Join(dir, portFile))
	if err != nil {
		return 0, false
	}
	port, err = strconv.Atoi(strings.TrimSpace(string(data)))
	return port, err == nil && port > 0 && port <= 65535
}

// Follow points a rehearsal profile's endpoints at the demo running from
// dir (RunningPort), whose port may differ from the one the profile was
// made with (authwiz demo --port). Only endpoints on this computer move: a
// rehearsal profile may name Atlassian's own. p comes back unchanged when
// no demo is running.
func Follow(p profile.Profile, dir string) profile.Profile {
	port, ok := RunningPort(dir)
	if !ok {
		return p
	}
	for _, endpoint := range []*string{&p.AuthURL, &p.TokenURL, &p.APIBaseURL} {
		*endpoint = onPort(*endpoint, port)
	}
	return p
}

// onPort is rawURL moved to 127.0.0.1:port when it is a plain http URL on
// this computer with a port, as the rehearsal server's are.
func onPort(rawURL string, port int) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Port() == "" || !validate.IsLoopback(u.Hostname()) {
		return rawURL
	}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	return u.String()
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
