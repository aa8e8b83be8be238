package oauthflow

import (
	"context"
	"fmt"
	"net"
	"net/url"

	"github.com/authwiz/authwiz/internal/loopback"
)

// PortBusyError says the Redirect URL's port cannot be listened on, and
// how to pick another one.
type PortBusyError struct {
	Port        string
	RedirectURL string
	// InUse is true when another program holds the port; otherwise the
	// system refused it (a privileged or reserved port, for example).
	InUse bool
	Err   error
}

func (e *PortBusyError) Error() string {
	what := fmt.Sprintf("port %s is already in use by another program", e.Port)
	if !e.InUse {
		what = fmt.Sprintf("authwiz may not listen on port %s (%v)", e.Port, e.Err)
	}
	return what + fmt.Sprintf(", so the browser's answer cannot reach %s. "+
		"Close the program using it, or choose another port for the Redirect URL in authwiz "+
		"and enter exactly the same URL as the Callback URL in the Atlassian Developer Console", e.RedirectURL)
}

// Is makes errors.Is(err, ErrPortBusy) work.
func (e *PortBusyError) Is(target error) bool { return target == ErrPortBusy }

func (e *PortBusyError) Unwrap() error { return e.Err }

// listen binds every address, before any browser is sent anywhere. An
// address after the first may be missing (no IPv6 here) but may not be
// taken by someone else, who would then receive the code.
func listen(ctx context.Context, redirect *url.URL, addrs []string) ([]net.Listener, error) {
	var (
		lc        net.ListenConfig
		listeners []net.Listener
	)
	for i, addr := range addrs {
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err == nil {
			listeners = append(listeners, ln)
			continue
		}
		inUse := loopback.IsAddrInUse(err)
		if i > 0 && !inUse {
			continue
		}
		for _, l := range listeners {
			l.Close()
		}
		_, port, _ := net.SplitHostPort(addr)
		return nil, &PortBusyError{Port: port, RedirectURL: redirect.String(), InUse: inUse, Err: err}
	}
	return listeners, nil
}
