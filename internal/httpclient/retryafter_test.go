package httpclient_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/httpclient"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

var retryAfterCases = []struct {
	value string
	want  time.Duration
	ok    bool
}{
	{"", 0, false},
	{"120", 2 * time.Minute, true},
	{" 7 ", 7 * time.Second, true},
	{"0", 0, true},
	{"Sat, 28 Nov 2026 12:05:00 GMT", 5 * time.Minute, true},
	{"Saturday, 28-Nov-26 12:00:30 GMT", 30 * time.Second, true},
	{"Sat Nov 28 12:01:00 2026", time.Minute, true},
	{"Sat, 28 Nov 2026 11:00:00 GMT", 0, true},
	{"99999999999999999999999", 365 * 24 * time.Hour, true},
	{"-5", 0, false},
	{"1.5", 0, false},
	{"soon", 0, false},
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range retryAfterCases {
		h := http.Header{}
		if tc.value != "" {
			h.Set("Retry-After", tc.value)
		}
		got, ok := httpclient.RetryAfter(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %v %v, want %v %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, tc := range retryAfterCases {
		f.Add(tc.value)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got, ok := httpclient.RetryAfter(http.Header{"Retry-After": {value}}, now)
		if got < 0 || got > 365*24*time.Hour || (!ok && got != 0) {
			t.Errorf("%q: %v %v", value, got, ok)
		}
	})
}
