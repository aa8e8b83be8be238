package oauthflow

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
)

// Callback is a valid answer from the authorization server.
type Callback struct {
	Code string
	// Pasted is true when the admin pasted the answer rather than the
	// browser delivering it to the listener.
	Pasted bool
	// StateChecked is false only for a bare pasted code, which carries no
	// state to compare.
	StateChecked bool
}

// Format keeps the code out of every fmt verb, so it never reaches a log.
func (c Callback) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "oauthflow.Callback{Code:REDACTED Pasted:%t StateChecked:%t}", c.Pasted, c.StateChecked)
}

// rejection is a request that is not an answer to this attempt. It gets an
// error page (or, pasted, an error) and the wait goes on.
type rejection struct {
	status  int
	problem string
	fix     string
}

func (r *rejection) Error() string { return r.problem + ". " + r.fix }

// evaluate judges the query of a callback. It returns a rejection when
// the query is not an answer to this attempt; otherwise the answer, which
// is either a code or, in end, the server's refusal.
func (s *Session) evaluate(q url.Values) (cb Callback, rej *rejection, end error) {
	states := q["state"]
	if len(states) == 0 {
		return Callback{}, &rejection{http.StatusBadRequest,
			"This address has no state value, so it cannot be matched to the sign-in authwiz started",
			"Use the sign-in link authwiz shows now"}, nil
	}
	if len(states) > 1 || subtle.ConstantTimeCompare([]byte(states[0]), []byte(s.state)) != 1 {
		return Callback{}, &rejection{http.StatusBadRequest,
			"This answer belongs to a different sign-in attempt (an earlier one, or another program's)",
			"Use the sign-in link authwiz shows now"}, nil
	}
	if code := q.Get("error"); code != "" {
		description := q.Get("error_description")
		if code == "access_denied" {
			return Callback{}, nil, &Error{Kind: ErrDenied, Detail: serverText(description),
				Fix: "Start the consent again and choose Accept when you are ready"}
		}
		return Callback{}, nil, &Error{Kind: ErrAuthorization, Detail: describe(code, description),
			Fix: "Check the app in the Atlassian Developer Console (its scopes, its Callback URL, and its sharing if someone else consents), then start the consent again"}
	}
	codes := q["code"]
	if len(codes) != 1 || codes[0] == "" {
		return Callback{}, &rejection{http.StatusBadRequest,
			"This answer has no authorization code",
			"Start the consent again from authwiz"}, nil
	}
	return Callback{Code: codes[0], StateChecked: true}, nil, nil
}
