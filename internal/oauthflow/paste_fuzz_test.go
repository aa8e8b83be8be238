package oauthflow

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// FuzzParsePasted: whatever the admin pastes, reading it never panics, and
// what it accepts is one of the three forms Paste documents — an address
// on the Redirect URL (scheme optional), a bare query, or a bare code long
// enough and without spaces — on one line.
func FuzzParsePasted(f *testing.F) {
	redirect, err := url.Parse("http://localhost:47613/callback")
	if err != nil {
		f.Fatal(err)
	}
	s := &Session{redirect: redirect}
	for _, seed := range []string{
		"http://localhost:47613/callback?code=abc&state=xyz",
		"localhost:47613/callback?code=abc&state=xyz#frag",
		"code=abc&state=xyz",
		"AbCdEfGhIjKlMnOpQrSt",
		"https://evil.example/callback?code=abc&state=xyz",
		"http://localhost:47613/callback?code=%zz",
		"two words",
		"http://localhost:47613/callback?code=a\nstate=b",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		q, code, err := s.parsePasted(input)
		if err != nil {
			if q != nil || code != "" {
				t.Fatalf("%q: refused yet gave %v %q", input, q, code)
			}
			return
		}
		text, _, _ := strings.Cut(strings.TrimSpace(input), "#")
		if strings.ContainsAny(text, "\r\n") {
			t.Fatalf("%q: accepted text of several lines", input)
		}
		if q == nil {
			if code != text || len(code) < minBareCode || strings.ContainsFunc(code, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
				t.Fatalf("%q: accepted %q as a bare code", input, code)
			}
			return
		}
		if prefix, _, found := strings.Cut(text, "?"); found && prefix != "" && !s.isRedirect(prefix) {
			t.Fatalf("%q: accepted an address that is not the Redirect URL", input)
		}
	})
}
