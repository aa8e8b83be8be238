package validate

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// urlSeeds are the table cases and then some; the checked-in corpus under
// testdata/fuzz adds more.
var urlSeeds = []string{
	"http://localhost:47613/callback", "http://[::1]:1/", "https://a.example/cb?x=1",
	"javascript:alert(1)", "file:///etc/passwd", "http://localhost/cb", "http://lоcalhost:80/",
	"\x1b[200~https://a.example/\x1b[201~", "https://u@h/", "https://h/#f", "http://127.0.0.1:65535",
	"HTTP://LOCALHOST:8080/x", "https:///path", "http://[::1%25eth0]:80/",
}

// acceptedURLIsWellFormed is what every accepted URL must be: it parses,
// is absolute with a host, uses http only on loopback with a port, and
// carries no user, fragment, control character or escape sequence.
func acceptedURLIsWellFormed(t *testing.T, r Result) {
	t.Helper()
	if r.Err != nil {
		if r.Err.Message == "" || len(r.Err.Message) > 500 {
			t.Fatalf("an error must say something short: %q", r.Err.Message)
		}
		return
	}
	u, err := url.Parse(r.Value)
	if err != nil {
		t.Fatalf("accepted %q does not parse: %v", r.Value, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" || u.Host == "" || u.User != nil || strings.Contains(r.Value, "#") {
		t.Fatalf("accepted a malformed URL %q", r.Value)
	}
	if scheme == "http" && (!IsLoopback(u.Hostname()) || u.Port() == "") {
		t.Fatalf("accepted http off loopback or without port: %q", r.Value)
	}
	if hasControl(r.Value) || strings.ContainsRune(r.Value, esc) || r.Value != strings.TrimSpace(r.Value) {
		t.Fatalf("accepted value keeps junk: %q", r.Value)
	}
}

func FuzzRedirectURL(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) { acceptedURLIsWellFormed(t, RedirectURL(in)) })
}

func FuzzEndpointURL(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) { acceptedURLIsWellFormed(t, EndpointURL("Token URL", in)) })
}

func FuzzScopes(f *testing.F) {
	for _, s := range []string{
		"read:confluence-content.all offline_access", "a,b", "read:page:confluence read:page:confluence",
		"\x1b[31mread:page:confluence\x1b[0m", `"x"`, "read:me", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := Scopes(in, known)
		if r.Err != nil {
			if len(r.Scopes) != 0 {
				t.Fatalf("a refused scope string yields no scopes, got %q", r.Scopes)
			}
			return
		}
		seen := map[string]bool{}
		confluence := false
		for _, s := range r.Scopes {
			if !validScopeToken(s) || seen[s] {
				t.Fatalf("accepted bad or duplicate scope %q", s)
			}
			seen[s] = true
			confluence = confluence || strings.Contains(s, "confluence")
		}
		if !confluence {
			t.Fatalf("accepted scopes without a Confluence one: %q", r.Scopes)
		}
	})
}

func FuzzProfileName(f *testing.F) {
	for _, s := range []string{"OAuth2 confluence Authentication", "prod", "a\x00b", strings.Repeat("é", 65), "\x1b]0;x\x07n", " Prod "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := ProfileName(in, []string{"Prod"}, "")
		if r.Err != nil {
			return
		}
		if r.Value == "" || utf8.RuneCountInString(r.Value) > MaxProfileName || hasControl(r.Value) ||
			strings.ContainsRune(r.Value, esc) || r.Value != strings.TrimSpace(r.Value) || strings.EqualFold(r.Value, "prod") {
			t.Fatalf("accepted a bad name %q", r.Value)
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"\x1b[1mx\x1b[0m", "\x1b]8;;u\x07t\x1b]8;;\x07", "a\u009bb", "  x\t\n", "\x1b", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Clean(in)
		if Clean(out) != out {
			t.Fatalf("Clean is not idempotent: %q → %q → %q", in, out, Clean(out))
		}
		if strings.ContainsRune(out, esc) || strings.IndexFunc(out, func(r rune) bool {
			return r != '\t' && r != '\n' && (isControl(r) || isBidiControl(r))
		}) >= 0 {
			t.Fatalf("Clean left a control character: %q", out)
		}
	})
}

// FuzzCredentials: whatever is pasted, an accepted client ID or secret is
// within its byte limit, one word, and free of control characters, and no
// message repeats the secret.
func FuzzCredentials(f *testing.F) {
	for _, s := range []string{
		"aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", "ATOA" + strings.Repeat("x", 72), " a\n", "a b", "\x1b[200~id\x1b[201~",
		strings.Repeat("a", MaxClientIDBytes+1), strings.Repeat("b", MaxSecretBytes+1), "\ufeffx", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for limit, r := range map[int]Result{MaxClientIDBytes: ClientID(in), MaxSecretBytes: ClientSecret(in)} {
			if r.Err != nil {
				if r.Value != "" && len(in) > limit {
					t.Fatalf("an oversized value is carried on (%d bytes)", len(r.Value))
				}
				continue
			}
			if len(r.Value) > limit || r.Value == "" || hasSpace(r.Value) || hasControl(r.Value) || strings.ContainsRune(r.Value, esc) {
				t.Fatalf("accepted a bad credential %q (limit %d)", r.Value, limit)
			}
		}
		if r := ClientSecret(in); r.Err != nil && len(in) >= 12 && strings.Contains(r.Err.Message, in) {
			t.Fatalf("the message repeats the secret: %s", r.Err.Message)
		}
	})
}
