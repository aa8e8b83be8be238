package sampleapp

import (
	"strings"
	"testing"
)

// Characters people confuse when copying by eye, in both directions: the
// rehearsal credentials must hold none of them.
const confusable = "1lI|0Oo"

func TestCredentialsHoldNoLookAlikeCharacters(t *testing.T) {
	for name, v := range map[string]string{"Client ID": ClientID, "secret": ClientSecret} {
		if i := strings.IndexAny(v, confusable); i >= 0 {
			t.Errorf("the rehearsal %s %q has the look-alike %q at %d", name, v, v[i], i)
		}
	}
	if len(ClientID) != 32 {
		t.Errorf("the rehearsal Client ID has %d characters; Atlassian's have 32", len(ClientID))
	}
}

func TestLooksLikeRehearsalClientID(t *testing.T) {
	swap := func(i int, c string) string { return ClientID[:i] + c + ClientID[i+1:] }
	for _, tc := range []struct {
		name  string
		typed string
		want  bool
	}{
		{"the ID itself", ClientID, false},
		{"one letter wrong", swap(3, "x"), true},
		{"two letters wrong", swap(3, "x")[:10] + "y" + ClientID[11:], true},
		{"a letter left out", ClientID[:5] + ClientID[6:], true},
		{"two letters added", ClientID + "zz", true},
		{"the last digit cut off", ClientID[:31], true},
		{"all lower case", strings.ToLower(ClientID), true},
		{"l typed for i everywhere", strings.ReplaceAll(ClientID, "i", "l"), true},
		{"1 typed for i everywhere", strings.ReplaceAll(ClientID, "i", "1"), true},
		{"three letters wrong", "xyz" + ClientID[3:], false},
		{"another app's ID", "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", false},
		{"the secret", ClientSecret, false},
		{"empty", "", false},
	} {
		if got := LooksLikeRehearsalClientID(tc.typed); got != tc.want {
			t.Errorf("%s (%q): %v, want %v", tc.name, tc.typed, got, tc.want)
		}
	}
}
