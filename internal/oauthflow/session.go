package oauthflow

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/loopback"
)

// Request bounds for the listener: a real callback is a short GET, sent
// at once by a browser on this computer.
const (
	maxHeaderBytes        = 16 << 10
	maxQueryBytes         = 8 << 10
	callbackHeaderTimeout = 10 * time.Second
)

// stateBytes is the state's entropy: 256 bits, well over the 128 asked for.
const stateBytes = 32

// Session is one consent attempt: its state, its authorization URL and
// the listener waiting for the browser's answer.
type Session struct {
	conf     oauth2.Config
	params   map[string]string
	redirect *url.URL
	state    string
	http     *http.Client
	deadline time.Time
	hintAt   time.Time

	server    *http.Server
	listening bool

	settleOnce sync.Once
	settled    chan struct{}
	cb         Callback // valid once settled is closed
	err        error    // valid once settled is closed

	shutdownOnce sync.Once
	serving      sync.WaitGroup
}

// Begin starts a consent attempt. It binds the listener on the Redirect
// URL's host and port before returning, so the browser can be sent to
// AuthURL straight away. When the Redirect URL is not served here (not
// plain HTTP on a loopback host) nothing listens and only Paste can
// answer; Listening says which.
func Begin(ctx context.Context, cfg Config, opts ...Option) (*Session, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	redirect, err := url.Parse(cfg.RedirectURL)
	if err != nil || !redirect.IsAbs() || redirect.Host == "" {
		return nil, fmt.Errorf("the Redirect URL %q is not a full web address; correct it in authwiz and in the Atlassian Developer Console", cfg.RedirectURL)
	}
	raw := make([]byte, stateBytes)
	if _, err := io.ReadFull(o.random, raw); err != nil {
		return nil, fmt.Errorf("make a random state value: %w", err)
	}
	// A Redirect URL served elsewhere (https, another host) gets no
	// listener: the admin pastes the answer instead.
	addrs, _ := loopback.Addrs(redirect.String())
	listeners, err := listen(ctx, redirect, addrs)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	s := &Session{
		conf: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			RedirectURL:  cfg.RedirectURL,
			Scopes:       cfg.Scopes,
			// tokenCall chooses how the credentials are sent.
			Endpoint: oauth2.Endpoint{AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL},
		},
		params:    cfg.AuthParams,
		redirect:  redirect,
		state:     base64.RawURLEncoding.EncodeToString(raw),
		http:      o.client(),
		deadline:  now.Add(o.timeout),
		hintAt:    now.Add(o.hintAfter),
		listening: len(listeners) > 0,
		settled:   make(chan struct{}),
	}
	s.server = callbackServer(http.HandlerFunc(s.serveCallback), callbackHeaderTimeout)
	for _, ln := range listeners {
		s.serving.Add(1)
		go func(ln net.Listener) {
			defer s.serving.Done()
			s.server.Serve(ln)
		}(ln)
	}
	timedOut := &Error{Kind: ErrTimedOut, Fix: fmt.Sprintf(
		"Start the consent again. If the browser stopped on an Atlassian error page, the Callback URL in the Developer Console must be exactly %s", cfg.RedirectURL)}
	go func() {
		timer := time.NewTimer(o.timeout)
		defer timer.Stop()
		select {
		case <-timer.C:
			s.settle(Callback{}, timedOut)
		case <-s.settled:
		}
	}()
	return s, nil
}

// callbackServer serves the listener. A browser sends its request at
// once, so a connection that holds back its headers longer than
// headerTimeout is dropped rather than kept for the whole wait.
func callbackServer(h http.Handler, headerTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: headerTimeout,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    maxHeaderBytes,
		// The server's own complaints would land in the terminal the
		// wizard draws on, and could carry a request line with a code.
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

// AuthURL is the address to open in the browser.
func (s *Session) AuthURL() string {
	opts := make([]oauth2.AuthCodeOption, 0, len(s.params))
	for k, v := range s.params {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	return s.conf.AuthCodeURL(s.state, opts...)
}

// Deadline is when the wait ends with ErrTimedOut.
func (s *Session) Deadline() time.Time { return s.deadline }

// RedirectURL is where the browser is sent back to.
func (s *Session) RedirectURL() string { return s.redirect.String() }

// Listening reports whether the browser's answer can reach this process;
// when it cannot, the admin has to paste it.
func (s *Session) Listening() bool { return s.listening }

// Wait blocks until the attempt ends: a valid callback or paste (the
// Callback), a refusal from the server, the timeout, or Close. Every call
// returns the same outcome. When ctx ends first Wait returns its error and
// the attempt goes on; Close ends it.
func (s *Session) Wait(ctx context.Context) (Callback, error) {
	select {
	case <-s.settled:
		return s.cb, s.err
	case <-ctx.Done():
		return Callback{}, fmt.Errorf("wait for the browser: %w", ctx.Err())
	}
}

// WaitStalled blocks until the hint time passes with no answer (true), or
// the attempt ends or ctx is done first (false). A caller shows the usual
// cause when it returns true: the app's Callback URL differs from ours, so
// the provider shows its own error page and never sends the browser back.
func (s *Session) WaitStalled(ctx context.Context) bool {
	t := time.NewTimer(time.Until(s.hintAt))
	defer t.Stop()
	select {
	case <-t.C:
		select {
		case <-s.settled:
			return false
		default:
			return true
		}
	case <-s.settled:
		return false
	case <-ctx.Done():
		return false
	}
}

// Close ends the attempt if it is still open and stops the listener,
// letting a page being sent finish. It is safe to call more than once.
func (s *Session) Close() error {
	s.settle(Callback{}, ErrClosed)
	return s.shutdown()
}

// settle records the outcome once; later outcomes are dropped. The
// listener is stopped in the background, as the handler that settled may
// still be returning.
func (s *Session) settle(cb Callback, err error) bool {
	won := false
	s.settleOnce.Do(func() {
		won = true
		s.cb, s.err = cb, err
		close(s.settled)
		go s.shutdown()
	})
	return won
}

var errAttemptOver = errors.New("this consent attempt is already over")

func (s *Session) isSettled() bool {
	select {
	case <-s.settled:
		return true
	default:
		return false
	}
}

func (s *Session) shutdown() error {
	var err error
	s.shutdownOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err = s.server.Shutdown(ctx); err != nil {
			err = s.server.Close()
		}
		s.serving.Wait()
	})
	return err
}

// serveCallback answers every request to the listener. Only a GET for
// the Redirect URL's host and path with this attempt's state ends the wait.
func (s *Session) serveCallback(w http.ResponseWriter, r *http.Request) {
	if !loopback.HostAllowed(s.redirect.String(), r.Host) {
		rejectionPage(&rejection{http.StatusMisdirectedRequest, "This request was meant for another address",
			"authwiz only waits for the sign-in answer at " + s.redirect.String()}).write(w)
		return
	}
	if r.URL.Path != s.callbackPath() {
		rejectionPage(&rejection{http.StatusNotFound, "Nothing is served at this address",
			"authwiz only waits for the sign-in answer at " + s.redirect.String()}).write(w)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		rejectionPage(&rejection{http.StatusMethodNotAllowed, "Only the browser's sign-in answer is accepted here",
			"Go back to authwiz in the terminal"}).write(w)
		return
	}
	if len(r.URL.RawQuery) > maxQueryBytes {
		rejectionPage(&rejection{http.StatusRequestURITooLong, "This address is far longer than a sign-in answer",
			"Use the sign-in link authwiz shows now"}).write(w)
		return
	}
	if s.isSettled() {
		overPage.write(w)
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		rejectionPage(&rejection{http.StatusBadRequest, "This address is not well formed",
			"Use the sign-in link authwiz shows now"}).write(w)
		return
	}
	cb, rej, end := s.evaluate(q)
	switch {
	case rej != nil:
		rejectionPage(rej).write(w)
		return
	case end != nil:
		endPage(end).write(w)
	default:
		successPage.write(w)
	}
	// The page goes out before the wait ends, so the browser never shows
	// a broken connection while the terminal moves on.
	http.NewResponseController(w).Flush()
	s.settle(cb, end)
}

func (s *Session) callbackPath() string {
	if s.redirect.Path == "" {
		return "/"
	}
	return s.redirect.Path
}

// clientContext hands the bounded HTTP client to x/oauth2 and names the
// setting a timeout should make the admin check.
func (s *Session) clientContext(ctx context.Context) context.Context {
	return context.WithValue(httpclient.WithSetting(ctx, tokenURLSetting), oauth2.HTTPClient, s.http)
}
