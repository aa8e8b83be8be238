package oauthflow_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// assertRateLimitAdvice checks a 429's message blames the limit, not the
// settings, and says when to try again.
func assertRateLimitAdvice(t *testing.T, err error, when string) {
	t.Helper()
	if !errors.Is(err, oauthflow.ErrRateLimited) {
		t.Fatalf("error = %v, want ErrRateLimited", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "not the problem") || !strings.Contains(msg, when) {
		t.Errorf("the message does not say the settings are fine and %q: %s", when, msg)
	}
	if lower := strings.ToLower(msg); strings.Contains(lower, "check that the token url") || strings.Contains(lower, "check the token url") {
		t.Errorf("a rate limit sends the admin to check the Token URL: %s", msg)
	}
}

func TestExchangeRateLimitedSaysWhenToTryAgain(t *testing.T) {
	te := newTokenEndpoint(t, http.StatusTooManyRequests, `Rate limit exceeded`)
	te.header = http.Header{"Retry-After": {"120"}}
	_, _, err := exchangeWith(t, te)
	assertRateLimitAdvice(t, err, "(in about 2 minutes)")
	if n := len(te.requests()); n != 1 {
		t.Errorf("the code was sent %d times", n)
	}
}

// A refresh the token endpoint refused with 429 is not repeated on its
// own (a refresh that reached the server may have rotated the token), and
// the refresh token is not taken for rejected: the next call tries again.
func TestRefreshRateLimitedIsNeitherRepeatedNorRemembered(t *testing.T) {
	te := newTokenEndpoint(t, http.StatusTooManyRequests, `{"error":"too_many_requests"}`)
	te.header = http.Header{"Retry-After": {"120"}}
	before := profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1", Expiry: clock.Add(-time.Minute)}
	store := storeWith(t, te.URL, before)
	_, err := source(store).Token()
	assertRateLimitAdvice(t, err, "try again after 12:02:00")
	if n := len(te.requests()); n != 1 {
		t.Errorf("the refresh was sent %d times", n)
	}
	if after := savedSecrets(t, store); !after.Equal(before) {
		t.Errorf("the saved tokens changed: %+v", after)
	}
	if _, err := source(store).Token(); !errors.Is(err, oauthflow.ErrRateLimited) || len(te.requests()) != 2 {
		t.Errorf("the next call did not ask again: %v after %d requests", err, len(te.requests()))
	}
}
