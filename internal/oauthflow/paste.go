package oauthflow

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Paste answers the attempt with what the admin copied from the browser:
// the whole address it was sent to (with or without http://), just its
// query, or just the code. An address gets exactly the checks a callback
// gets. A bare code carries no state and is accepted unchecked: the admin
// copied it from this attempt's redirect, and a code meant for another
// attempt still fails at the exchange. The Callback's StateChecked says
// which happened. A rejected paste returns an error saying what to paste
// and leaves the wait running; an accepted one ends it.
func (s *Session) Paste(input string) error {
	if s.isSettled() {
		return errAttemptOver
	}
	q, code, err := s.parsePasted(input)
	if err != nil {
		return err
	}
	cb := Callback{Code: code}
	var end error
	if q != nil {
		var rej *rejection
		if cb, rej, end = s.evaluate(q); rej != nil {
			return rej
		}
	}
	cb.Pasted = true
	if !s.settle(cb, end) {
		return errAttemptOver
	}
	return nil
}

// minBareCode keeps a stray short line (a menu number typed too early, a
// "y") from being taken for a code and ending the wait; real codes are far
// longer.
const minBareCode = 16

// parsePasted returns the query of a pasted address, or the bare code.
func (s *Session) parsePasted(input string) (url.Values, string, error) {
	text := strings.TrimSpace(input)
	text, _, _ = strings.Cut(text, "#")
	switch {
	case text == "":
		return nil, "", errors.New("nothing was pasted. Paste the whole address the browser was sent to after you chose Accept")
	case strings.ContainsAny(text, "\r\n"):
		// Never read as an address: a code or state cut by a line break
		// would fail later and less clearly.
		return nil, "", errors.New("the pasted text has several lines, so it is not the one address the browser was sent to. Paste only that address, after you chose Accept")
	case len(text) > maxQueryBytes:
		return nil, "", errors.New("the pasted text is far longer than a sign-in answer. Paste only the address the browser was sent to after you chose Accept")
	case !strings.ContainsAny(text, "?=&/"):
		if strings.ContainsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return nil, "", errors.New("the pasted text has spaces in it, so it is neither an address nor a code. Paste the whole address the browser was sent to after you chose Accept")
		}
		if len(text) < minBareCode {
			return nil, "", errors.New("that is too short to be an authorization code. Paste the whole address the browser was sent to after you chose Accept")
		}
		return nil, text, nil
	}
	prefix, query, found := strings.Cut(text, "?")
	if !found {
		if !strings.Contains(text, "=") {
			return nil, "", fmt.Errorf("the pasted address has no answer in it (nothing after the ?). Paste the whole address the browser was sent to after you chose Accept; it starts with %s?", s.redirect)
		}
		prefix, query = "", text
	}
	if prefix != "" && !s.isRedirect(prefix) {
		return nil, "", fmt.Errorf("the pasted address is not the Redirect URL. Paste the address the browser was sent to after you chose Accept; it starts with %s?", s.redirect)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, "", fmt.Errorf("the pasted address is cut short or changed (%v). Copy the whole address again", err)
	}
	return q, "", nil
}

// isRedirect reports whether a pasted address (before its ?) is the
// Redirect URL. Browsers often hide the scheme, so it may be missing.
func (s *Session) isRedirect(prefix string) bool {
	if !strings.Contains(prefix, "://") {
		prefix = s.redirect.Scheme + "://" + prefix
	}
	u, err := url.Parse(prefix)
	if err != nil {
		return false
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	return strings.EqualFold(u.Scheme, s.redirect.Scheme) && strings.EqualFold(u.Host, s.redirect.Host) && path == s.callbackPath()
}
