package validate

import (
	"strings"
	"unicode/utf8"
)

// Limits on text fields.
const (
	MaxProfileName = 64
	// MaxAppName matches the longest app name the Developer Console takes.
	MaxAppName = 255
	// MaxClientIDBytes and MaxSecretBytes bound what authwiz reads and keeps
	// for the credentials. Atlassian's are 32 and about 76 characters; the
	// room above that is for other OAuth servers, and the bound itself is what
	// keeps a wrong file (/dev/zero, a log) from being read without end.
	MaxClientIDBytes = 2 << 10
	MaxSecretBytes   = 4 << 10
)

// ProfileName checks the name a profile is saved under. Names are compared
// without regard to case, as the profile store does: "Prod" and "prod" are
// too easy to confuse in a list. self is the profile's current name when
// editing it, so keeping the name is fine.
func ProfileName(input string, taken []string, self string) Result {
	const field = "Name"
	r := Result{Value: prepare(input)}
	switch n := utf8.RuneCountInString(r.Value); {
	case r.Value == "":
		r.fail(field, "Type a name for this authentication, for example OAuth2 confluence Authentication.")
	case hasControl(r.Value):
		r.fail(field, "The name contains a control character or a line break, probably from a paste: type it again.")
	case n > MaxProfileName:
		r.fail(field, "Shorten the name to %d characters or fewer (it has %d).", MaxProfileName, n)
	}
	if r.Err != nil {
		return r
	}
	key := func(name string) string { return strings.ToLower(strings.TrimSpace(name)) }
	for _, t := range taken {
		// The same key the profile store uses, so what passes here saves.
		if key(t) == key(r.Value) && key(t) != key(self) {
			r.fail(field, "Another saved profile is already called %s (names ignore case): choose another name, or edit that profile instead.", quote(t))
			break
		}
	}
	return r
}

// AppName checks the app name suggested for the Developer Console.
func AppName(input string) Result {
	const field = "App name"
	r := Result{Value: prepare(input)}
	switch n := utf8.RuneCountInString(r.Value); {
	case r.Value == "":
		r.fail(field, "Type the app's name, for example OAuth Connection Workspace365 Integration Builder.")
	case hasControl(r.Value):
		r.fail(field, "The app name contains a control character or a line break, probably from a paste: type it again.")
	case n > MaxAppName:
		r.fail(field, "Shorten the app name to %d characters or fewer (it has %d).", MaxAppName, n)
	}
	return r
}

// ClientID checks the Client ID copied from the app's Settings page.
func ClientID(input string) Result {
	const field = "Client ID"
	if len(input) > MaxClientIDBytes {
		// Checked on the raw input so an oversized paste costs no cleaning.
		return tooLong(field, "The Client ID", input, "Atlassian's are 32", MaxClientIDBytes)
	}
	r := Result{Value: prepare(input)}
	switch {
	case r.Value == "":
		r.fail(field, "Paste the Client ID from Settings ▸ Authentication details in the Developer Console.")
	case hasSpace(r.Value):
		r.fail(field, "The Client ID contains a space or line break: it is one word. Copy it again from Settings in the Developer Console.")
	case hasControl(r.Value):
		r.fail(field, "The Client ID contains a control character, probably from a paste: copy it again from Settings in the Developer Console.")
	case !isAlnum32(r.Value):
		r.warn(field, "Client IDs are usually 32 letters and digits; this one has %d characters. Check that you copied all of it, and the Client ID rather than the secret.", utf8.RuneCountInString(r.Value))
	}
	return r
}

// ClientSecret checks the secret. Its messages never repeat the value.
func ClientSecret(input string) Result {
	const field = "Client secret"
	if len(input) > MaxSecretBytes {
		return tooLong(field, "The secret", input, "Atlassian's are under 100", MaxSecretBytes)
	}
	r := Result{Value: prepare(input)}
	switch {
	case r.Value == "":
		r.fail(field, "Paste the Secret from Settings ▸ Authentication details in the Developer Console.")
	case hasSpace(r.Value):
		r.fail(field, "The secret contains a space or line break: copy it again from Settings in the Developer Console, in one piece.")
	case hasControl(r.Value):
		r.fail(field, "The secret contains a control character, probably from a paste: copy it again from Settings in the Developer Console.")
	}
	return r
}

// tooLong refuses a value over its byte limit. The value is dropped, not
// kept in Result.Value: nothing that long should travel further.
func tooLong(field, what, input, usual string, limit int) Result {
	var r Result
	r.fail(field, "%s is %d characters; %s (authwiz takes up to %d bytes) — copy it again from Settings in the Developer Console.",
		what, utf8.RuneCountInString(input), usual, limit)
	return r
}

func isAlnum32(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
