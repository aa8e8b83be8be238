package oauthflow_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/oauthflow"
)

func TestPasteAcceptsTheAddressTheBrowserWasSentTo(t *testing.T) {
	cases := map[string]func(s *oauthflow.Session, query string) string{
		"full address": func(s *oauthflow.Session, q string) string { return "  " + s.RedirectURL() + "?" + q + "\n" },
		"without the scheme": func(s *oauthflow.Session, q string) string {
			return strings.TrimPrefix(s.RedirectURL(), "http://") + "?" + q
		},
		"with a fragment": func(s *oauthflow.Session, q string) string { return s.RedirectURL() + "?" + q + "#_=_" },
		"only the query":  func(_ *oauthflow.Session, q string) string { return q },
		"upper-case hostname": func(s *oauthflow.Session, q string) string {
			return strings.Replace(s.RedirectURL(), "localhost", "LOCALHOST", 1) + "?" + q
		},
	}
	for name, pasted := range cases {
		t.Run(name, func(t *testing.T) {
			s := begin(t)
			query := url.Values{"code": {"pasted-code"}, "state": {stateOf(t, s)}}.Encode()
			if err := s.Paste(pasted(s, query)); err != nil {
				t.Fatal(err)
			}
			cb, err := s.Wait(deadline(t))
			if err != nil || cb.Code != "pasted-code" || !cb.Pasted || !cb.StateChecked {
				t.Fatalf("Wait = %+v (code %q), %v", cb, cb.Code, err)
			}
		})
	}
}

func TestPasteWithAWrongStateIsRefusedAndTheWaitGoesOn(t *testing.T) {
	s := begin(t)
	err := s.Paste(callbackURL(s, url.Values{"code": {"c"}, "state": {"someone-elses"}}))
	if err == nil || !strings.Contains(err.Error(), "different sign-in attempt") {
		t.Fatalf("Paste error = %v", err)
	}
	assertStillWaiting(t, s)
	if err := s.Paste(callbackURL(s, url.Values{"code": {"c"}, "state": {stateOf(t, s)}})); err != nil {
		t.Fatalf("good paste after a bad one: %v", err)
	}
}

func TestPasteRefusesWhatIsNotAnAnswer(t *testing.T) {
	s := begin(t)
	state := stateOf(t, s)
	cases := map[string]string{
		"nothing":                   "   ",
		"the authorization URL":     s.AuthURL(),
		"another site":              "https://evil.example/callback?" + url.Values{"code": {"c"}, "state": {state}}.Encode(),
		"another port":              "http://localhost:1/callback?" + url.Values{"code": {"c"}, "state": {state}}.Encode(),
		"the Redirect URL alone":    s.RedirectURL(),
		"words":                     "I clicked accept",
		"no state":                  "code=c",
		"far too long":              strings.Repeat("x", 9<<10),
		"a code with a line break":  "abc\ndef",
		"an address and more lines": s.RedirectURL() + "?state=" + url.QueryEscape(state) + "&code=c\nThen the page said",
		"a menu number":             "2",
		"a short word":              "yes",
	}
	for name, pasted := range cases {
		t.Run(name, func(t *testing.T) {
			if err := s.Paste(pasted); err == nil {
				t.Fatal("accepted")
			}
			assertStillWaiting(t, s)
		})
	}
}

func TestPasteOfABareCodeIsAcceptedUnchecked(t *testing.T) {
	s := begin(t)
	if err := s.Paste("eyJhbGciOi.bare-code_1"); err != nil {
		t.Fatal(err)
	}
	cb, err := s.Wait(deadline(t))
	if err != nil || cb.Code != "eyJhbGciOi.bare-code_1" || cb.StateChecked || !cb.Pasted {
		t.Fatalf("Wait = %+v (code %q), %v", cb, cb.Code, err)
	}
}

func TestPastedDenialEndsTheWait(t *testing.T) {
	s := begin(t)
	if err := s.Paste(callbackURL(s, url.Values{"error": {"access_denied"}, "state": {stateOf(t, s)}})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wait(deadline(t)); !errors.Is(err, oauthflow.ErrDenied) {
		t.Fatalf("Wait error = %v, want ErrDenied", err)
	}
}

func TestPasteAfterTheAnswerIsRefused(t *testing.T) {
	s := begin(t)
	good := callbackURL(s, url.Values{"code": {"c"}, "state": {stateOf(t, s)}})
	if err := s.Paste(good); err != nil {
		t.Fatal(err)
	}
	if err := s.Paste(good); err == nil {
		t.Fatal("second paste accepted")
	}
}

func TestPasteIsTheOnlyWayWhenTheRedirectIsElsewhere(t *testing.T) {
	s, err := oauthflow.Begin(context.Background(), testConfig("https://integrations.example.test/oauth/callback"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Listening() {
		t.Fatal("listening for a Redirect URL this machine does not serve")
	}
	if err := s.Paste(callbackURL(s, url.Values{"code": {"c"}, "state": {stateOf(t, s)}})); err != nil {
		t.Fatal(err)
	}
	if cb, err := s.Wait(deadline(t)); err != nil || cb.Code != "c" {
		t.Fatalf("Wait = code %q, %v", cb.Code, err)
	}
}
