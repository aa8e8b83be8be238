package validate

import (
	"strings"
	"testing"
)

type want struct {
	value string // expected cleaned value; "" skips the check
	err   string // substring of the error; "" means no error
	warn  string // substring of some warning; "" means no warnings
}

func check(t *testing.T, r Result, w want) {
	t.Helper()
	if w.value != "" && r.Value != w.value {
		t.Errorf("value %q, want %q", r.Value, w.value)
	}
	switch {
	case w.err == "" && r.Err != nil:
		t.Errorf("unexpected error: %s", r.Err.Message)
	case w.err != "" && r.Err == nil:
		t.Errorf("want an error containing %q, got none", w.err)
	case w.err != "" && !strings.Contains(r.Err.Message, w.err):
		t.Errorf("error %q lacks %q", r.Err.Message, w.err)
	}
	if r.Err != nil && len(r.Err.Message) > 400 {
		t.Errorf("message too long (%d bytes) for a person to read", len(r.Err.Message))
	}
	got := make([]string, 0, len(r.Warnings))
	for _, x := range r.Warnings {
		got = append(got, x.Message)
	}
	all := strings.Join(got, " | ")
	switch {
	case w.warn == "" && w.err == "" && len(got) > 0:
		t.Errorf("unexpected warnings: %s", all)
	case w.warn != "" && !strings.Contains(all, w.warn):
		t.Errorf("warnings %q lack %q", all, w.warn)
	}
}

var (
	tenThousand   = strings.Repeat("a", 10000)
	bracketPaste  = "\x1b[200~%s\x1b[201~"
	colouredPaste = "\x1b[1;32m%s\x1b[0m"
)

func TestProfileName(t *testing.T) {
	taken := []string{"Prod", "Test site"}
	for _, tc := range []struct {
		name, in, self string
		want
	}{
		{"default", "OAuth2 confluence Authentication", "", want{value: "OAuth2 confluence Authentication"}},
		{"trailing newline from paste", "My profile \r\n", "", want{value: "My profile"}},
		{"bracketed paste", strings.ReplaceAll(bracketPaste, "%s", "Prod EU"), "", want{value: "Prod EU"}},
		{"coloured paste", strings.ReplaceAll(colouredPaste, "%s", "Green"), "", want{value: "Green"}},
		{"empty", "   ", "", want{err: "Type a name"}},
		{"only escapes", "\x1b[31m\x1b[0m", "", want{err: "Type a name"}},
		{"NUL", "pro\x00d", "", want{err: "control character"}},
		{"inner newline", "two\nlines", "", want{err: "line break"}},
		{"bidi override", "admin\u202egnp.exe", "", want{err: "control character"}},
		{"zero-width space", "\u200b", "", want{err: "control character"}},
		{"64 runes ok", strings.Repeat("é", 64), "", want{}},
		{"65 runes", strings.Repeat("é", 65), "", want{err: "64 characters or fewer (it has 65)"}},
		{"10k paste", tenThousand, "", want{err: "it has 10000"}},
		{"taken", "prod", "", want{err: "already called \"Prod\""}},
		{"taken, editing itself", "PROD", "Prod", want{}},
		{"unicode look-alike is another name", "Prоd", "", want{}}, // Cyrillic о
		{"invalid utf-8", "bad\xffname", "", want{err: "control character"}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, ProfileName(tc.in, taken, tc.self), tc.want) })
	}
}

// Names clash exactly when the profile store would see the same name.
func TestProfileNameClashesAsTheStoreDoes(t *testing.T) {
	for _, pair := range [][2]string{{"İnfo", "info"}, {"ς", "σ"}, {"Prod", "prod "}, {"K", "K"}} {
		// The store compares lower-cased names (profile's nameKey), which is
		// not strings.EqualFold ("ς" and "σ"): the test compares as it does.
		//lint:ignore SA6005 the point is to compare exactly as the store does
		storeSame := strings.ToLower(strings.TrimSpace(pair[0])) == strings.ToLower(strings.TrimSpace(pair[1]))
		if refused := ProfileName(pair[0], []string{pair[1]}, "").Err != nil; refused != storeSame {
			t.Errorf("%q against %q: refused=%v, the store sees them as the same=%v", pair[0], pair[1], refused, storeSame)
		}
	}
}

func TestAppName(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want
	}{
		{"default", "OAuth Connection Workspace365 Integration Builder", want{}},
		{"empty", "\n", want{err: "Type the app's name"}},
		{"control", "a\x07b", want{err: "control character"}},
		{"too long", strings.Repeat("a", 256), want{err: "255 characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, AppName(tc.in), tc.want) })
	}
}

func TestClientID(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want
	}{
		{"typical", "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", want{}},
		{"pasted with whitespace", "  aBcDeFgHiJkLmNoPqRsTuVwXyZ012345\n", want{value: "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"}},
		{"unusual shape warns", "abc-123", want{warn: "usually 32 letters and digits"}},
		{"inner space", "aBcDeFgH iJkLmNoPqRsTuVwXyZ012345", want{err: "one word"}},
		{"tab", "a\tb", want{err: "one word"}},
		{"NUL", "a\x00b", want{err: "control character"}},
		{"empty", "", want{err: "Paste the Client ID"}},
		{"odd but within the limit warns", strings.Repeat("a", MaxClientIDBytes), want{warn: "2048 characters"}},
		{"131k paste refused", strings.Repeat("a", 131000), want{err: "is 131000 characters; Atlassian's are 32"}},
		{"one byte over the limit", strings.Repeat("a", MaxClientIDBytes+1), want{err: "copy it again"}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, ClientID(tc.in), tc.want) })
	}
}

func TestClientSecretNeverEchoed(t *testing.T) {
	secret := "ATOAsuperSecretValue1234"
	for _, tc := range []struct {
		name, in string
		want
	}{
		{"typical", secret, want{value: secret}},
		{"bracketed", strings.ReplaceAll(bracketPaste, "%s", secret), want{value: secret}},
		{"space", secret + " " + secret, want{err: "in one piece"}},
		{"trailing NUL", secret + "\x00", want{err: "control character"}}, // NUL is not whitespace: refused, not trimmed
		{"inner control", "ATOA\x00" + secret, want{err: "control character"}},
		{"byte order mark", "\ufeff" + secret, want{err: "control character"}},
		{"zero-width space", "ATOA\u200b" + secret, want{err: "control character"}},
		{"empty", " ", want{err: "Paste the Secret"}},
		{"at the limit", strings.Repeat("S", MaxSecretBytes), want{}},
		{"over the limit", strings.Repeat("Secret1234", 10000), want{err: "is 100000 characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ClientSecret(tc.in)
			check(t, r, tc.want)
			if r.Err != nil && strings.Contains(r.Err.Message, "Secret1234") {
				t.Errorf("the message repeats the secret: %s", r.Err.Message)
			}
		})
	}
}

func TestRedirectURL(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want
	}{
		{"default", "http://localhost:47613/callback", want{}},
		{"ipv4 loopback", "http://127.0.0.1:8080/cb", want{}},
		{"ipv6 loopback", "http://[::1]:8080/cb", want{}},
		{"LOCALHOST", "http://LOCALHOST:9000/callback", want{}},
		{"https anywhere", "https://integrations.example.com/oauth/callback", want{}},
		{"paste with newline", "http://localhost:47613/callback\r\n", want{value: "http://localhost:47613/callback"}},
		{"bracketed paste", strings.ReplaceAll(bracketPaste, "%s", "https://a.example/cb"), want{value: "https://a.example/cb"}},
		{"localhost without port", "http://localhost/callback", want{err: "Add a port"}},
		{"http elsewhere", "http://example.com/callback", want{err: "Use https://"}},
		{"http look-alike localhost", "http://lоcalhost:8080/cb", want{err: "Use https://"}}, // Cyrillic о
		{"http fullwidth localhost", "http://ｌｏｃａｌｈｏｓｔ:8080/cb", want{err: "Use https://"}},
		{"http localhost.evil", "http://localhost.evil.com:80/cb", want{err: "Use https://"}},
		{"javascript", "javascript:alert(1)", want{err: `"javascript:" URL cannot be used`}},
		{"file", "file:///etc/passwd", want{err: `"file:" URL cannot be used`}},
		{"data", "data:text/html,hi", want{err: `"data:" URL cannot be used`}},
		{"ftp", "ftp://files.example/cb", want{err: `"ftp:" URL cannot be used here: use https:// (or http:// for localhost)`}},
		{"no scheme", "localhost:8080/cb", want{err: "Start the URL with https:// (or http:// for localhost)"}},
		{"long scheme is not echoed in full", strings.Repeat("a", 2000) + "://x", want{err: "…"}},
		{"long path is not echoed", "http://localhost/" + strings.Repeat("p", 2000), want{err: "Add a port"}},
		{"relative", "/callback", want{err: "Start the URL with https://"}},
		{"fragment", "https://a.example/cb#frag", want{err: "Remove the #"}},
		{"empty fragment", "https://a.example/cb#", want{err: "Remove the #"}},
		{"userinfo", "https://user:pw@a.example/cb", want{err: "user name or password"}},
		{"bad port", "http://localhost:99999/cb", want{err: "1 to 65535"}},
		{"port not a number", "http://localhost:abc/cb", want{err: "not a URL"}},
		{"port zero", "http://localhost:0/cb", want{err: "1 to 65535"}},
		{"port with a leading zero", "http://localhost:08765/cb", want{err: "1 to 65535"}},
		{"empty host name", "https://:443/callback", want{err: "needs a host"}},
		{"inner space", "https://a.example/call back", want{err: "space"}},
		{"NUL", "https://a.example/\x00cb", want{err: "control character"}},
		{"10k paste", "https://a.example/" + tenThousand, want{err: "too long for a URL"}},
		{"query warns", "https://a.example/cb?x=1", want{warn: "has a query"}},
		{"IDN host warns", "https://exаmple.com/cb", want{warn: "look-alike"}},
		{"empty", "", want{err: "Type the Redirect URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, RedirectURL(tc.in), tc.want) })
	}
}

func TestEndpointURL(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want
	}{
		{"atlassian authorize", "https://auth.atlassian.com/authorize", want{}},
		{"atlassian token", "https://auth.atlassian.com/oauth/token", want{}},
		{"test server on loopback warns", "http://127.0.0.1:5555/authorize", want{warn: "not on auth.atlassian.com"}},
		{"http example.com", "http://example.com/authorize", want{err: "Use https://"}},
		{"other https host warns", "https://auth.example.com/authorize", want{warn: "not on auth.atlassian.com"}},
		{"javascript", "javascript:alert(document.cookie)", want{err: "cannot be used"}},
		{"coloured paste", strings.ReplaceAll(colouredPaste, "%s", "https://auth.atlassian.com/authorize"), want{value: "https://auth.atlassian.com/authorize"}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, EndpointURL("Authorization URL", tc.in), tc.want) })
	}
}

func TestEndpointExamplesFitTheField(t *testing.T) {
	check(t, EndpointURL("Token URL", ""), want{err: "https://auth.atlassian.com/oauth/token"})
	check(t, EndpointURL("Authorization URL", ""), want{err: "https://auth.atlassian.com/authorize"})
	r := EndpointURL("Token URL", "http://localhost/oauth/token")
	if r.Err == nil || strings.Contains(r.Err.Message, "callback") || strings.Contains(r.Err.Message, "browser") {
		t.Errorf("a Token URL gets a Token URL's message: %v", r.Err)
	}
}

func TestHugeScopePasteIsQuick(t *testing.T) {
	// Duplicates are found with a map, so a pasted megabyte stays cheap.
	r := Scopes(strings.Repeat("read:page:confluence ", 80000), known)
	if r.Err != nil || len(r.Scopes) != 1 {
		t.Fatalf("%v %v", r.Err, r.Scopes)
	}
}

func TestAPIBaseURL(t *testing.T) {
	check(t, APIBaseURL("https://api.atlassian.com"), want{})
	check(t, APIBaseURL("http://127.0.0.1:4000"), want{warn: "not https://api.atlassian.com"})
	check(t, APIBaseURL("ftp://api.atlassian.com"), want{err: `"ftp:" URL cannot be used`})
}

func known(s string) bool {
	switch s {
	case "read:confluence-content.all", "write:confluence-content", "read:page:confluence", "offline_access", "read:me":
		return true
	}
	return false
}

func TestScopes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		scopes   []string
		err      string
		warn     string
	}{
		{"typical", "read:confluence-content.all offline_access", []string{"read:confluence-content.all", "offline_access"}, "", ""},
		{"newlines and tabs from a paste", "read:confluence-content.all\n\twrite:confluence-content\r\noffline_access\n", []string{"read:confluence-content.all", "write:confluence-content", "offline_access"}, "", ""},
		{"duplicates", "read:page:confluence offline_access read:page:confluence", []string{"read:page:confluence", "offline_access"}, "", "Listed twice"},
		{"unknown", "read:confluence-content.al offline_access", []string{"read:confluence-content.al", "offline_access"}, "", "does not know \"read:confluence-content.al\""},
		{"no offline_access", "read:page:confluence", []string{"read:page:confluence"}, "", "no refresh token"},
		{"no confluence scope", "read:me offline_access", nil, "at least one Confluence scope", ""},
		{"commas", "read:page:confluence,offline_access", nil, "not commas", ""},
		{"quotes", `"read:page:confluence" offline_access`, nil, "not scopes", ""},
		{"single quotes", `'read:page:confluence' offline_access`, nil, "not scopes", ""},
		{"backtick", "read:page:confluence` offline_access", nil, "not scopes", ""},
		{"upper case", "READ:CONFLUENCE-CONTENT.ALL offline_access", nil, "lower case", ""},
		{"escape in the middle", "read:page:confluence \x1b[31moffline_access\x1b[0m", []string{"read:page:confluence", "offline_access"}, "", ""},
		{"control character", "read:page:confluence off\x00line_access", nil, "not scopes", ""},
		{"look-alike", "read:pаge:confluence offline_access", nil, "not scopes", ""}, // Cyrillic а
		{"empty", " \n ", nil, "at least one scope", ""},
		{"too many", strings.Repeat("read:page:confluence ", 1) + manyScopes(55) + " offline_access", nil, "", "more than the 50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Scopes(tc.in, known)
			if tc.scopes != nil && strings.Join(r.Scopes, " ") != strings.Join(tc.scopes, " ") {
				t.Errorf("scopes %q, want %q", r.Scopes, tc.scopes)
			}
			check(t, Result{Err: r.Err, Warnings: r.Warnings}, want{err: tc.err, warn: tc.warn})
		})
	}
	if r := Scopes(tenThousand, known); r.Err == nil || len(r.Err.Message) > 400 {
		t.Errorf("a 10 000-character paste gets a short error: %v", r.Err)
	}
}

func manyScopes(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" x" + strings.Repeat("y", i%7) + ":confluence:" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	return b.String()
}

func TestSanitizeAndClean(t *testing.T) {
	for _, tc := range []struct{ name, in, sanitized string }{
		{"plain", "hello", "hello"},
		{"CSI colour", "\x1b[1;31mred\x1b[0m", "red"},
		{"cursor moves", "a\x1b[2J\x1b[Hb", "ab"},
		{"OSC 8 link BEL", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click"},
		{"OSC 52 clipboard ST", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"title", "\x1b]0;pwned\x07ok", "ok"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"APC", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"charset", "a\x1b(Bb", "ab"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"8-bit CSI", "a\u009b31mb", "ab"},
		{"8-bit OSC", "a\u009d0;t\u009cb", "ab"},
		{"unterminated OSC swallows the rest", "a\x1b]0;title", "a"},
		{"bracketed paste", "\x1b[200~pasted\x1b[201~", "pasted"},
		{"controls but tab and newline", "a\x00b\x07c\td\ne\rf\x7f", "abc\td\nef"},
		{"bidi", "a\u202eb\u2066c", "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.sanitized {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.sanitized)
			}
		})
	}
	if got := Clean("  \x1b[200~ value \x1b[201~\n"); got != "value" {
		t.Errorf("Clean: %q", got)
	}
}
