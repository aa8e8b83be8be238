// Package sampleapp holds the rehearsal app's credentials and the check
// that notices a mistyped Client ID. It is a leaf (standard library only) so
// the wizard can use it without linking the rehearsal server.
package sampleapp

import "strings"

// The rehearsal app's credentials. An admin types them from the screen at
// step 9, so they avoid characters that look alike (1, l and I; 0, O and
// o): a typo would surface only in the browser as "Unknown client_id".
// The Client ID has the shape of Atlassian's (32 letters and digits), so the
// wizard's shape check stays quiet in a rehearsal.
const (
	ClientID     = "RehearseWithAuthwizPracticeApp47"
	ClientSecret = "RehearseSecretJustAtAuthwizPracticeServer3479"
	AppName      = "OAuth Connection Workspace365 Integration Builder"
)

// LooksLikeRehearsalClientID reports whether s is close to the rehearsal
// Client ID without being it: the same once look-alike characters and case
// are folded, or at most two edits away. The wizard uses it to point out a
// typo before the consent fails in the browser.
func LooksLikeRehearsalClientID(s string) bool {
	return s != ClientID && withinTwoEdits(fold(s), fold(ClientID))
}

// lookAlikes maps characters people confuse when copying by eye to one
// stand-in; case is folded separately.
var lookAlikes = strings.NewReplacer("1", "l", "i", "l", "|", "l", "0", "o")

func fold(s string) string { return lookAlikes.Replace(strings.ToLower(s)) }

// maxEdits is how far a typed value may be from the Client ID and still
// count as a typo of it.
const maxEdits = 2

// withinTwoEdits reports whether the Levenshtein distance between a and b
// is at most maxEdits. Values whose lengths differ by more are rejected
// before any work, so a long paste costs nothing.
func withinTwoEdits(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > maxEdits {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= maxEdits
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
