// Package rehearsal runs the rehearsal server behind `authwiz demo`, so an
// admin without an Atlassian app yet can walk all twelve steps and see a
// real consent, Accept and Cancel included. The server keeps its registered
// Callback URLs and grants from one demo run to the next (KeepIn), and
// rehearsal profiles follow the running demo's port (Follow). Rehearsal
// profiles live in a store of their own, and rehearsal values are refused
// in real profiles.
package rehearsal

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
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
	atl  *atlserver.Server // the rehearsal's Atlassian
	srv  *http.Server
	base string
	dir  string // where its state and port are kept; "" keeps nothing
	// instance tells this server from any other that answers on its port
	// later, once it has stopped (RunningPort).
	instance string
	// earlier is the port record found at Start: another demo's, running
	// from the same dir on another port, gets it back at Close.
	earlier []byte

	saveMu sync.Mutex
}

// Option changes how Start runs the server.
type Option func(*Server)

// KeepIn keeps the server's registered Callback URLs and grants in dir
// (the rehearsal dir, Dir) and brings them back on the next Start, so a
// rehearsal profile keeps working from one `authwiz demo` run to the next;
// and records the port there while it runs, for Follow.
func KeepIn(dir string) Option { return func(s *Server) { s.dir = dir } }

// The files KeepIn keeps in the rehearsal dir. The port file holds the
// port and the server's instance, one a line.
const (
	stateFile = "server-state.json"
	portFile  = "server.port"
)

// identityPath answers with the server's instance, so RunningPort can tell
// the demo that recorded a port from whatever answers there after it was
// killed.
const identityPath = "/.well-known/authwiz-rehearsal"

// probeTimeout bounds RunningPort's question to the port: a server on this
// computer answers within milliseconds, and a command asking must not hang
// on a port some other program holds open.
const probeTimeout = 750 * time.Millisecond

// Start listens on 127.0.0.1:port (0 picks a free port) and serves.
func Start(port int, opts ...Option) (*Server, error) {
	s := &Server{instance: rand.Text()}
	for _, o := range opts {
		o(s)
	}
	cfg := atlserver.Sample()
	if s.dir != "" {
		// A failure here cannot reach the client; Close saves again and
		// reports.
		cfg.Changed = func() { _ = s.save() }
	}
	s.atl = atlserver.New(cfg)
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
	mux := http.NewServeMux()
	mux.Handle("/", s.atl)
	mux.HandleFunc("GET "+identityPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, s.instance)
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.base = "http://" + ln.Addr().String()
	if s.dir != "" {
		path := filepath.Join(s.dir, portFile)
		s.earlier, _ = os.ReadFile(path)
		record := fmt.Sprintf("%d\n%s\n", s.Port(), s.instance)
		if err := profile.WriteFilePrivate(path, []byte(record)); err != nil {
			ln.Close()
			return nil, fmt.Errorf("record the rehearsal server's port: %w", err)
		}
	}
	// Serve ends with ErrServerClosed once Close shuts it down.
	go s.srv.Serve(ln)
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
		err = s.atl.RestoreState(data)
	}
	if err != nil {
		return fmt.Errorf("%w (in %s): delete that file to start the rehearsal afresh; rehearsal profiles then need `authwiz login --rehearsal` again", err, path)
	}
	return nil
}

// save keeps the server's state, atomically and private to the user. One
// save at a time, each writing the state as it is then, so the last write
// holds every change.
func (s *Server) save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	data, err := s.atl.MarshalState()
	if err == nil {
		err = profile.WriteFilePrivate(filepath.Join(s.dir, stateFile), data)
	}
	if err != nil {
		return fmt.Errorf("keep the rehearsal server's grants for the next demo run: %w; make %s writable, or rehearsal profiles need `authwiz login --rehearsal NAME` again next time", err, s.dir)
	}
	return nil
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
	return s.atl.RegisterCallback(ClientID, redirectURL)
}

// Close stops the server, letting requests in flight finish, saves its
// state a last time and removes its port record, or gives it back to the
// demo that had it before, if that one still runs. A failure to save is
// returned with the file's path and its cause: the next demo run would
// not know the grants made in this one.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if s.dir == "" {
		return err
	}
	// Another demo may have started since: its record stays.
	if _, instance, ok := readPortRecord(s.dir); ok && instance == s.instance {
		err = errors.Join(err, s.releasePortRecord())
	}
	return errors.Join(err, s.save())
}

// releasePortRecord gives the port record back to the demo that had it
// when this one started, while that demo still answers, so rehearsal
// profiles go on following it; with none, the record goes.
func (s *Server) releasePortRecord() error {
	path := filepath.Join(s.dir, portFile)
	port, instance, ok := parsePortRecord(s.earlier)
	if !ok || !answersAs(port, instance) {
		os.Remove(path)
		return nil
	}
	if err := profile.WriteFilePrivate(path, s.earlier); err != nil {
		return fmt.Errorf("give the port record back to the demo still running on port %d: %w; rehearsal profiles follow that demo again once it is started anew", port, err)
	}
	return nil
}

// RunningPort is the port of the demo whose server keeps its state in dir;
// ok is false when none is running. A demo killed without closing leaves
// its record behind, and another program may listen on that port since:
// the port counts only when the server recorded there answers on it.
func RunningPort(dir string) (port int, ok bool) {
	port, instance, ok := readPortRecord(dir)
	if !ok {
		return 0, false
	}
	return port, answersAs(port, instance)
}

// readPortRecord reads what Start recorded in dir.
func readPortRecord(dir string) (port int, instance string, ok bool) {
	data, err := os.ReadFile(filepath.Join(dir, portFile))
	if err != nil {
		return 0, "", false
	}
	return parsePortRecord(data)
}

// parsePortRecord reads a port record's port and instance.
func parsePortRecord(data []byte) (port int, instance string, ok bool) {
	lines := strings.Fields(string(data))
	if len(lines) != 2 {
		return 0, "", false
	}
	port, err := strconv.Atoi(lines[0])
	return port, lines[1], err == nil && port > 0 && port <= 65535
}

// answersAs reports whether the rehearsal server instance answers on port.
func answersAs(port int, instance string) bool {
	client := &http.Client{
		Timeout:       probeTimeout,
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get("http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) + identityPath)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	return err == nil && resp.StatusCode == http.StatusOK && string(body) == instance
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
