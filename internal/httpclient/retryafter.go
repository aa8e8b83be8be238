package httpclient

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter keeps an absurd Retry-After from overflowing; nobody
// waits a year, and callers cap the wait far lower anyway.
const maxRetryAfter = 365 * 24 * time.Hour

// RetryAfter reads a Retry-After header (RFC 9110: a number of seconds or
// an HTTP date) as the time to wait from now. ok is false when the header
// is missing or unreadable; a date in the past means no wait.
func RetryAfter(h http.Header, now time.Time) (wait time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true // only too many digits fails here
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(now), 0), maxRetryAfter), true
}
