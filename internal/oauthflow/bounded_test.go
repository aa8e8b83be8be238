package oauthflow_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/oauthflow/testport"
	"github.com/authwiz/authwiz/internal/testkit"
)

// answeredSession is a session whose token URL is tokenURL, answered by a
// pasted callback.
func answeredSession(t *testing.T, tokenURL string, opts ...oauthflow.Option) (*oauthflow.Session, oauthflow.Callback) {
	t.Helper()
	cfg := testConfig(redirectURL(testport.Free(t)))
	cfg.TokenURL = tokenURL
	return answered(t, cfg, opts...)
}

// answered is a session on cfg answered by a pasted callback.
func answered(t *testing.T, cfg oauthflow.Config, opts ...oauthflow.Option) (*oauthflow.Session, oauthflow.Callback) {
	t.Helper()
	s, err := oauthflow.Begin(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Paste(callbackURL(s, url.Values{"code": {"the-code"}, "state": {stateOf(t, s)}})); err != nil {
		t.Fatal(err)
	}
	cb, err := s.Wait(deadline(t))
	if err != nil {
		t.Fatal(err)
	}
	return s, cb
}

// exchangeWithin runs the exchange and fails the test when it has not
// ended long after every limit the test set.
func exchangeWithin(t *testing.T, ctx context.Context, s *oauthflow.Session, cb oauthflow.Callback) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := s.Exchange(ctx, cb)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the exchange is still waiting on a token endpoint that never answers")
		return nil
	}
}

func TestExchangeWithASilentTokenEndpointEndsWithItsTimeout(t *testing.T) {
	silent, arrived := testkit.SilentServer(t)
	s, cb := answeredSession(t, silent.URL+"/oauth/token", oauthflow.WithRequestTimeout(200*time.Millisecond))
	err := exchangeWithin(t, context.Background(), s, cb)
	select {
	case <-arrived:
	default:
		t.Fatal("the exchange never reached the token endpoint")
	}
	if !errors.Is(err, oauthflow.ErrNetwork) {
		t.Fatalf("error = %v, want ErrNetwork", err)
	}
	host := strings.TrimPrefix(silent.URL, "http://")
	for _, want := range []string{host + "/oauth/token did not answer", "proxy", "the Token URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestExchangeHonoursItsContext(t *testing.T) {
	silent, arrived := testkit.SilentServer(t)
	s, cb := answeredSession(t, silent.URL+"/oauth/token")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	if err := exchangeWithin(t, ctx, s, cb); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want the cancellation", err)
	}
}
