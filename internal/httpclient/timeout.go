package httpclient

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authwiz/authwiz/internal/validate"
)

// Stage is how far a request got before it ran out of time.
type Stage int32

// The stages, in order.
const (
	StageConnect Stage = iota // no connection yet
	StageSecure               // connected, the secure connection (or the proxy's tunnel) not set up
	StageAnswer               // request on its way or sent, no answer yet
	StageBody                 // the answer began but did not finish
)

// TimeoutError is a request that ran out of time, in words a person can
// act on. It never holds a query string, a user name or a password.
type TimeoutError struct {
	Endpoint string        // host and path, e.g. "auth.atlassian.com/oauth/token"
	Proxy    string        // the proxy's host and port, when one was used
	Stage    Stage         // how far the request got
	After    time.Duration // the limit that ran out
	Setting  string        // where the address comes from, e.g. "the Token URL"; may be empty
}

// Timeout reports true, as net.Error does for a timeout.
func (e *TimeoutError) Timeout() bool { return true }

func (e *TimeoutError) Error() string {
	within := "within " + spell(e.After)
	var what string
	switch {
	case e.Stage == StageConnect && e.Proxy != "":
		what = fmt.Sprintf("No connection to the proxy %s %s (on the way to %s).", e.Proxy, within, e.Endpoint)
	case e.Stage == StageConnect:
		what = fmt.Sprintf("No connection to %s %s.", e.Endpoint, within)
	case e.Stage == StageSecure && e.Proxy != "":
		what = fmt.Sprintf("The proxy %s took the connection but did not open the way to %s %s.", e.Proxy, e.Endpoint, within)
	case e.Stage == StageSecure:
		what = fmt.Sprintf("%s took the connection but did not set up a secure connection %s.", e.Endpoint, within)
	case e.Stage == StageAnswer && e.Proxy != "":
		what = fmt.Sprintf("%s did not answer %s (through the proxy %s).", e.Endpoint, within, e.Proxy)
	case e.Stage == StageAnswer:
		what = fmt.Sprintf("%s did not answer %s.", e.Endpoint, within)
	default:
		what = fmt.Sprintf("%s began to answer but did not finish %s.", e.Endpoint, within)
	}
	return what + " " + e.advice()
}

// advice says what to check: the proxy first when one is in the way, as a
// stalled proxy is the usual cause, then the address the request went to.
func (e *TimeoutError) advice() string {
	checks := []string{"the network connection", "any proxy or firewall (the HTTPS_PROXY and NO_PROXY settings)"}
	if e.Proxy != "" {
		checks = []string{"the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)", "that the proxy works"}
	}
	if e.Setting != "" {
		checks = append(checks, "that "+e.Setting+" is right")
	}
	advice := "Check " + strings.Join(checks[:len(checks)-1], ", ") + " and " + checks[len(checks)-1] + "."
	if e.Stage >= StageAnswer {
		advice += " If all is well, the server may be slow or down: try again later."
	}
	return advice
}

// maxEndpoint bounds how much of an address is repeated in a message.
const maxEndpoint = 120

// endpoint is the request's host and path: enough to recognise the
// endpoint, without the query string (which may carry a code or token).
func endpoint(req *http.Request) string {
	s := validate.Sanitize(req.URL.Host + strings.TrimSuffix(req.URL.Path, "/"))
	if r := []rune(s); len(r) > maxEndpoint {
		s = string(r[:maxEndpoint]) + "…"
	}
	return s
}

// spell writes a limit the way people say it: "30 seconds", "2 minutes".
func spell(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.String()
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return plural(int(d.Round(time.Second)/time.Second), "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
