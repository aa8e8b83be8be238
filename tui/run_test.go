package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// rehearsalWorld is `authwiz demo` in this process: the rehearsal server,
// a store of rehearsal profiles with one saved for it, and the request
// the command line makes, wired as Run receives it.
type rehearsalWorld struct {
	store   *profile.Store
	browser *atltest.Browser
	req     launch.Request
	name    string
}

func newRehearsalWorld(t *testing.T) *rehearsalWorld {
	t.Helper()
	demo := atltest.StartDemo(t, "read:confluence-user", "offline_access")
	store, name, srv := demo.Store, demo.Name, demo.Server
	b := &atltest.Browser{}
	return &rehearsalWorld{store: store, browser: b, name: name, req: launch.Request{
		Store: store, Clipboard: &clipboard.Fake{}, Browser: b,
		Consent: &consent.Runner{Store: store, Timeout: 20 * time.Second},
		Rehearsal: &launch.Rehearsal{
			AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), APIBaseURL: srv.APIBaseURL(),
			ClientID: rehearsal.ClientID, ClientSecret: rehearsal.ClientSecret,
			RegisterCallback: srv.RegisterCallback,
		},
	}}
}

// run runs Run in the background on a pipe for standard input.
func (rw *rehearsalWorld) run(req launch.Request) (in *io.PipeWriter, out *testkit.Buffer, done <-chan error) {
	pr, pw := io.Pipe()
	out = &testkit.Buffer{}
	req.Streams = launch.Streams{In: pr, Out: out, Err: out}
	errs := make(chan error, 1)
	go func() { errs <- Run(context.Background(), req) }()
	return pw, out, errs
}

func wait(t *testing.T, done <-chan error, out *testkit.Buffer) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("Run did not end:\n%s", out)
		return nil
	}
}

// Accessible mode edits a saved profile and consents through the same
// conversation `authwiz login` holds, against the rehearsal server.
func TestRunAccessibleEditConsentsAgainstTheRehearsal(t *testing.T) {
	rw := newRehearsalWorld(t)
	req := rw.req
	req.Mode, req.ProfileName, req.Accessible = launch.Edit, rw.name, true
	in, out, done := rw.run(req)
	// Steps 2 to 11 keep what is saved (n keeps the secret, 7 asks for its
	// box too); then save.
	answers := []string{"", "", "", "", "", "", "", "", "", "n", "", "", "", "", ""}
	fmt.Fprint(in, strings.Join(answers, "\n")+"\n")
	out.WaitFor(t, "Which site should be the default?")
	fmt.Fprintln(in, "2")
	if err := wait(t, done, out); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := out.String()
	for _, want := range []string{"Step 2 of 12: Type & name", "then press Enter.", "Step 12 of 12: Save & authenticate",
		`Saved "Demo"`, "Connected as Ada Admin", "Default site: acme-sandbox", `authwiz token --rehearsal Demo`} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Line prompts name no keys: there are none to press.
	for _, screenOnly := range []string{"tick the box", "(o opens", "(c copies", "ctrl+r", "(space)"} {
		if strings.Contains(text, screenOnly) {
			t.Errorf("line prompts mention %q", screenOnly)
		}
	}
	if strings.Contains(text, "\x1b") {
		t.Error("the output has escape sequences")
	}
	p, sec, err := rw.store.Get(rw.name)
	if err != nil || sec.RefreshToken == "" || p.Site.Name != "acme-sandbox" || len(p.Sites) != 2 {
		t.Fatalf("saved %+v, refresh token %v, %v\n%s", p, sec.RefreshToken != "", err, text)
	}
}

// A denied consent in accessible mode keeps the saved profile and says how
// to try again.
func TestRunAccessibleDeniedConsent(t *testing.T) {
	rw := newRehearsalWorld(t)
	rw.browser.Answers = []bool{false}
	req := rw.req
	req.Mode, req.ProfileName, req.Accessible = launch.Edit, rw.name, true
	in, out, done := rw.run(req)
	fmt.Fprint(in, strings.Repeat("\n", 9)+"n\n"+strings.Repeat("\n", 5))
	err := wait(t, done, out)
	if err == nil || !strings.Contains(err.Error(), "the profile is saved, but the consent did not finish") ||
		!strings.Contains(err.Error(), "authwiz login --rehearsal Demo") {
		t.Fatalf("err %v\n%s", err, out)
	}
	if _, sec, _ := rw.store.Get(rw.name); sec.HasTokens() {
		t.Fatal("a denied consent saved tokens")
	}
}

// The full-screen wizard, wired as the command line hands it over: the
// start screen lists the saved profile, and choosing to rehearse ends it
// so the command line can start `authwiz demo`.
func TestRunScreenStartsAndOffersARehearsal(t *testing.T) {
	rw := newRehearsalWorld(t)
	req := rw.req
	req.Rehearsal = nil // the real start screen
	req.Mode = launch.Start
	in, out, done := rw.run(req)
	out.WaitFor(t, "Step 1 of 12")
	out.WaitFor(t, "Demo")
	out.WaitFor(t, "Rehearse first")
	fmt.Fprint(in, "\x1b[B") // down: the rehearsal row
	out.WaitFor(t, "› ◇ Rehearse first")
	fmt.Fprint(in, "\r")
	if err := wait(t, done, out); !errors.Is(err, launch.ErrRehearse) {
		t.Fatalf("Run = %v, want ErrRehearse", err)
	}
}

// Quitting the start screen at once ends Run without an error.
func TestRunScreenQuits(t *testing.T) {
	rw := newRehearsalWorld(t)
	req := rw.req
	req.Mode = launch.Start
	in, out, done := rw.run(req)
	out.WaitFor(t, "[rehearsal]")
	fmt.Fprint(in, "\x03") // ctrl+c
	if err := wait(t, done, out); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

// An edit of a profile nobody has says so before any screen.
func TestRunEditUnknownProfile(t *testing.T) {
	rw := newRehearsalWorld(t)
	req := rw.req
	req.Mode, req.ProfileName = launch.Edit, "nobody"
	_, out, done := rw.run(req)
	if err := wait(t, done, out); err == nil || !strings.Contains(err.Error(), `no profile is called "nobody"`) {
		t.Fatalf("Run = %v", err)
	}
}

// Ctrl-C while the accessible wizard waits for the browser says the
// profile is saved and how to authenticate later.
func TestRunAccessibleStoppedWhileWaiting(t *testing.T) {
	rw := newRehearsalWorld(t)
	ctx, stop := context.WithCancel(context.Background())
	req := rw.req
	req.Mode, req.ProfileName, req.Accessible = launch.Edit, rw.name, true
	req.Browser = &browser.Stub{} // opens nothing: the wait goes on
	pr, in := io.Pipe()
	out := &testkit.Buffer{}
	req.Streams = launch.Streams{In: pr, Out: out, Err: out}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, req) }()
	fmt.Fprint(in, strings.Repeat("\n", 9)+"n\n"+strings.Repeat("\n", 5))
	out.WaitFor(t, "Waiting until")
	stop()
	err := wait(t, done, out)
	if err == nil || !strings.Contains(err.Error(), "you stopped the consent; the profile is saved") {
		t.Fatalf("err %v", err)
	}
}

// pastingBrowser is an admin whose browser cannot reach the loopback
// listener: it answers the consent page, and then, in one write, pastes
// the address the browser ended on followed by the answers typed ahead.
type pastingBrowser struct {
	to    *io.PipeWriter
	ahead string
	wrote chan error
}

func (b *pastingBrowser) Open(authURL string) error {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := atlserver.FollowConsent(ctx, noFollow, authURL, true)
		if err != nil {
			b.wrote <- err
			return
		}
		resp.Body.Close()
		_, err = fmt.Fprint(b.to, resp.Header.Get("Location")+"\n"+b.ahead)
		b.wrote <- err
	}()
	return nil
}

// The accessible wizard reads every answer, the consent's too, from one
// input: a paste that carries the site choice and an answer for a prompt
// after the consent loses neither.
func TestAccessibleAnswersTypedAheadSurviveTheConsent(t *testing.T) {
	rw := newRehearsalWorld(t)
	pr, pw := io.Pipe()
	b := &pastingBrowser{to: pw, ahead: "2\nafter the consent\n", wrote: make(chan error, 1)}
	req := rw.req
	req.Browser = b
	p, sec, err := rw.store.Get(rw.name)
	if err != nil {
		t.Fatal(err)
	}
	out := &testkit.Buffer{}
	prompts := newPrompter(context.Background(), pr, out)
	done := make(chan error, 1)
	go func() { done <- runLines(newWizard(depsFor(req), editDraft(p, sec)), prompts) }()
	// Steps 2 to 11 keep what is saved (n keeps the secret), then save.
	fmt.Fprint(pw, strings.Repeat("\n", 9)+"n\n"+strings.Repeat("\n", 5))
	if err := wait(t, done, out); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if err := <-b.wrote; err != nil {
		t.Fatal(err)
	}
	pw.Close() // every answer is read from the pipe by now: a lost one never comes
	if got, err := prompts.ask("Next", ""); got != "after the consent" {
		t.Fatalf("the prompt after the consent got %q, %v\n%s", got, err, out)
	}
	if saved, sec, err := rw.store.Get(rw.name); err != nil || !sec.HasTokens() || saved.Site.Name != "acme-sandbox" {
		t.Fatalf("saved site %q, tokens %t, %v\n%s", saved.Site.Name, sec.HasTokens(), err, out)
	}
}
