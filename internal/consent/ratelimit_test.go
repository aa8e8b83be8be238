package consent_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/oauthflow"
)

// The token endpoint limiting requests during the exchange is not a
// setting to correct: the consent says so and when to try again.
func TestConsentRateLimitedAtTheTokenEndpoint(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNextTokenRequests(http.StatusTooManyRequests)
	_, err := e.consent(t, true)
	if !errors.Is(err, oauthflow.ErrRateLimited) || !strings.Contains(err.Error(), "wait a minute and try again") ||
		strings.Contains(err.Error(), "Check that the Token URL") {
		t.Fatalf("consent = %v", err)
	}
}
