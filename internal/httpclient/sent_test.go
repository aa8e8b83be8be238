package httpclient_test

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/authwiz/authwiz/internal/httpclient"
)

// NotSent decides whether a refresh token may still be unspent, so it
// must say "not sent" only where the request surely never left.
func TestNotSentOnlyWhenTheRequestNeverLeft(t *testing.T) {
	wrapped := func(err error) error {
		return fmt.Errorf("refresh: %w", &url.Error{Op: "Post", URL: "https://auth.example.test/oauth/token", Err: err})
	}
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"connection refused":        {wrapped(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		"proxy refused":             {wrapped(&net.OpError{Op: "proxyconnect", Err: errors.New("connection refused")}), true},
		"no connection in time":     {wrapped(&httpclient.TimeoutError{Stage: httpclient.StageConnect}), true},
		"no secure connection":      {wrapped(&httpclient.TimeoutError{Stage: httpclient.StageSecure}), true},
		"no answer in time":         {wrapped(&httpclient.TimeoutError{Stage: httpclient.StageAnswer}), false},
		"answer cut short":          {wrapped(&httpclient.TimeoutError{Stage: httpclient.StageBody}), false},
		"connection reset on write": {wrapped(&net.OpError{Op: "write", Err: errors.New("connection reset")}), false},
		"connection closed":         {wrapped(errors.New("EOF")), false},
	} {
		if got := httpclient.NotSent(tc.err); got != tc.want {
			t.Errorf("%s: NotSent = %t, want %t", name, got, tc.want)
		}
	}
}
