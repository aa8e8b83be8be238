package atlassian

import (
	"fmt"
	"net/http"
	"time"

	"github.com/authwiz/authwiz/internal/httpclient"
)

// RateLimit is Atlassian answering 429 Too Many Requests: it takes no more
// requests from this app or user for a while.
type RateLimit struct {
	// RetryAt is when Atlassian said to try again (its Retry-After
	// header); zero when it did not say.
	RetryAt time.Time
}

// RateLimitOf reads an answer; ok is false unless it is a 429. It fits
// the Response of an *oauth2.RetrieveError.
func RateLimitOf(resp *http.Response, now time.Time) (limit RateLimit, ok bool) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		return RateLimit{}, false
	}
	if wait, known := httpclient.RetryAfter(resp.Header, now); known {
		limit.RetryAt = now.Add(wait)
	}
	return limit, true
}

// Advice says when to try again, e.g. "try again after 14:05:30 (in
// about 3 minutes)".
func (r RateLimit) Advice(now time.Time) string {
	if r.RetryAt.IsZero() {
		return "wait a minute and try again"
	}
	wait := r.RetryAt.Sub(now)
	if wait <= time.Second {
		return "try again now"
	}
	return fmt.Sprintf("try again after %s (in %s)", r.RetryAt.In(now.Location()).Format("15:04:05"), about(wait))
}

// TokenAdvice is what to tell people when the token endpoint answered 429.
// A token request is never repeated on its own (a refresh that reached
// Atlassian may have replaced the refresh token already), so the words
// say the settings are not the problem, and when to try again.
func (r RateLimit) TokenAdvice(now time.Time) string {
	return "The Token URL, Client ID and secret are not the problem: " + r.Advice(now)
}

// about rounds a wait the way people say it.
func about(d time.Duration) string {
	switch {
	case d < 90*time.Second:
		return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
	case d < 90*time.Minute:
		return fmt.Sprintf("about %d minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("about %d hours", int(d.Round(time.Hour)/time.Hour))
}
