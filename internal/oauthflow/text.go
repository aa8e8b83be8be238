package oauthflow

import (
	"strings"
	"unicode"
)

// serverText makes text from a server safe to print in a terminal.
func serverText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}
