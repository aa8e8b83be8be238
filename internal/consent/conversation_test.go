package consent_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/testkit"
)

// answered is a consent whose outcome is known from the start, as from a
// server that is not Atlassian's and may send anything.
type answered struct{ res consent.Result }

func (answered) AuthURL() string                                { return "https://auth.example.test/authorize?state=s" }
func (answered) RedirectURL() string                            { return "http://localhost:47613/callback" }
func (answered) Deadline() time.Time                            { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }
func (answered) Listening() bool                                { return true }
func (answered) Paste(string) error                             { return errors.New("not expected") }
func (a answered) Wait(context.Context) (consent.Result, error) { return a.res, nil }
func (answered) Hint(ctx context.Context) (string, bool)        { <-ctx.Done(); return "", false }
func (answered) Close() error                                   { return nil }

type answeredStarter struct {
	flow   answered
	chosen []string
}

func (s *answeredStarter) Begin(context.Context, string) (consent.Flow, error) { return s.flow, nil }
func (s *answeredStarter) ChooseSite(_, cloudID string) error {
	s.chosen = append(s.chosen, cloudID)
	return nil
}

type noBrowser struct{}

func (noBrowser) Open(string) error { return nil }

func TestConversationPrintsNoControlSequencesFromTheServer(t *testing.T) {
	evil := "\x1b]0;pwned\a\x1b[2J"
	res := consent.Result{
		User:    "Ada" + evil,
		Sites:   []profile.Site{{CloudID: "c1" + evil, Name: "acme" + evil, URL: "https://acme" + evil}, {CloudID: "c2", Name: "two"}},
		Granted: []string{"read:me" + evil}, Verified: "ok" + evil, HasRefreshToken: true,
	}
	starter := &answeredStarter{flow: answered{res}}
	out := &testkit.Buffer{}
	err := consent.Conversation{Consents: starter, Name: "p", Browser: noBrowser{}, Out: out, Site: "two"}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out.String(), "\x1b\a") {
		t.Fatalf("control sequences from the server reached the terminal: %q", out.String())
	}
	if !strings.Contains(out.String(), "Connected as Ada") || len(starter.chosen) != 1 {
		t.Fatalf("chosen %v, output:\n%s", starter.chosen, out)
	}
}

func TestConversationUnknownSiteNeedsTheAdmin(t *testing.T) {
	starter := &answeredStarter{flow: answered{consent.Result{Sites: []profile.Site{{CloudID: "c1", Name: "acme"}, {CloudID: "c2", Name: "beta"}}}}}
	rehearsal := func(verb, name string) string { return "authwiz " + verb + " --rehearsal " + name }
	err := consent.Conversation{Consents: starter, Name: "p", Browser: noBrowser{}, Out: &testkit.Buffer{}, Site: "gamma", Command: rehearsal}.Run(context.Background())
	if !errors.Is(err, consent.ErrUnknownSite) || !strings.Contains(err.Error(), "acme, beta") || !strings.Contains(err.Error(), "`authwiz login --rehearsal p --site SITE`") {
		t.Fatalf("err = %v", err)
	}
}

// Atlassian's consent page has Accept and Cancel buttons; a word it does
// not show sends the admin looking for a button that is not there.
func TestConversationNamesAtlassiansAcceptButton(t *testing.T) {
	starter := &answeredStarter{flow: answered{consent.Result{Sites: []profile.Site{{CloudID: "c1", Name: "acme"}}}}}
	out := &testkit.Buffer{}
	err := consent.Conversation{Consents: starter, Name: "p", NoBrowser: true, Out: out}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "choose Accept") < 2 || strings.Contains(out.String(), "Allow") {
		t.Fatalf("the buttons are not named as Atlassian's page names them:\n%s", out)
	}
}

// stalled is a consent whose wait looks stuck at once and that refuses
// every paste, until its wait gives up after two.
type stalled struct{ refused chan struct{} }

func (stalled) AuthURL() string     { return "https://auth.example.test/authorize?state=s" }
func (stalled) RedirectURL() string { return "http://localhost:47613/callback" }
func (stalled) Deadline() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }
func (stalled) Listening() bool     { return true }
func (s stalled) Paste(string) error {
	select {
	case s.refused <- struct{}{}:
	default:
	}
	return errors.New("not the address")
}
func (s stalled) Wait(ctx context.Context) (consent.Result, error) {
	// The second paste is the paste's lines judged together, which is
	// then refused aloud.
	for range 2 {
		select {
		case <-s.refused:
		case <-ctx.Done():
			return consent.Result{}, ctx.Err()
		}
	}
	return consent.Result{}, errors.New("gave up")
}
func (stalled) Hint(context.Context) (string, bool) { return "Nothing has come back yet.", true }
func (stalled) Close() error                        { return nil }

type stalledStarter struct{ flow stalled }

func (s stalledStarter) Begin(context.Context, string) (consent.Flow, error) { return s.flow, nil }
func (stalledStarter) ChooseSite(string, string) error                       { return nil }

// The hint that the wait looks stuck comes from its own goroutine while
// refused pastes are answered: the conversation's writes must not race
// on a writer that is not safe for concurrent use, and the hint must be
// said before the conversation ends, not after.
func TestConversationHintAndRefusalsDoNotRace(t *testing.T) {
	var out bytes.Buffer
	in := strings.NewReader("not an address\nnor this\n")
	err := consent.Conversation{Consents: stalledStarter{stalled{make(chan struct{}, 8)}}, Name: "p", NoBrowser: true,
		In: in, Out: &out}.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "gave up") {
		t.Fatalf("err = %v", err)
	}
	if got := out.String(); !strings.Contains(got, "Nothing has come back yet.") || strings.Count(got, "That is not the answer") == 0 {
		t.Fatalf("output:\n%s", got)
	}
}
