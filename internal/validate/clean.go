// Package validate checks what an admin types or pastes into authwiz, one
// function per field. Each returns the cleaned value, at most one error that
// blocks going on, and warnings that do not; every message says what is
// wrong and what to do about it.
package validate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const esc = 0x1b

// Sanitize removes terminal escape sequences, control characters (all but
// tab and newline) and bidirectional overrides from s, so text from a paste
// or a server cannot move the cursor, recolour, retitle or reorder a
// terminal when shown. Invalid UTF-8 becomes U+FFFD. It does not trim.
func Sanitize(s string) string {
	s = stripEscapes(s)
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return r
		}
		if isControl(r) || isBidiControl(r) || isInvisible(r) {
			return -1
		}
		return r
	}, s)
}

// Clean is Sanitize plus trimming surrounding whitespace: what authwiz does
// to a pasted value before it keeps it.
func Clean(s string) string { return strings.TrimSpace(Sanitize(s)) }

// prepare is what every validator starts with: escape sequences (from a
// terminal's bracketed paste or a copied coloured line) and surrounding
// whitespace go, but other control characters stay so the validator can
// refuse them rather than silently change a value.
func prepare(s string) string {
	return strings.TrimSpace(strings.ToValidUTF8(stripEscapes(s), "\uFFFD"))
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// isInvisible: characters that take no room on screen (zero-width space,
// joiners, word joiner, byte order mark), so a value holding one looks
// right and is not.
func isInvisible(r rune) bool {
	return (r >= 0x200b && r <= 0x200d) || r == 0x2060 || r == 0xfeff
}

// hasControl reports a control, bidi or invisible character anywhere in s.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return isControl(r) || isBidiControl(r) || isInvisible(r) || r == utf8.RuneError
	}) >= 0
}

func hasSpace(s string) bool { return strings.IndexFunc(s, unicode.IsSpace) >= 0 }

// stripEscapes removes ECMA-48 escape sequences in their 7-bit (ESC …) and
// 8-bit (C1) forms: CSI, OSC, DCS, SOS, PM and APC strings, and two-byte
// escapes. An unterminated string sequence runs to the end of s.
func stripEscapes(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r == esc || (r >= 0x80 && r <= 0x9f) }) < 0 {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		kind := rune(0)
		switch {
		case r == esc && i+1 < len(rs) && rs[i+1] >= 0x40 && rs[i+1] <= 0x5f:
			kind, i = rs[i+1]+0x40, i+2 // ESC [ is the 7-bit form of C1 0x9B, and so on
		case r == esc && i+1 < len(rs) && rs[i+1] >= 0x20 && rs[i+1] <= 0x2f:
			// nF escape such as ESC ( B: intermediates, then one final byte.
			i++
			for i < len(rs) && rs[i] >= 0x20 && rs[i] <= 0x2f {
				i++
			}
			if i < len(rs) {
				i++
			}
			continue
		case r == esc:
			// ESC followed by anything else (or nothing): drop ESC and the
			// byte after it, the form Fp/Fs escapes take.
			i += min(2, len(rs)-i)
			continue
		case r >= 0x80 && r <= 0x9f:
			kind, i = r, i+1
		default:
			b.WriteRune(r)
			i++
			continue
		}
		switch kind {
		case 0x9b: // CSI: parameters and intermediates, then a final byte
			for i < len(rs) && rs[i] >= 0x20 && rs[i] <= 0x3f {
				i++
			}
			if i < len(rs) && rs[i] >= 0x40 && rs[i] <= 0x7e {
				i++
			}
		case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC: up to BEL or ST
			for i < len(rs) {
				if rs[i] == 0x07 || rs[i] == 0x9c {
					i++
					break
				}
				if rs[i] == esc && i+1 < len(rs) && rs[i+1] == '\\' {
					i += 2
					break
				}
				i++
			}
		}
	}
	return b.String()
}
