package consent_test

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/testkit"
)

var twoSites = consent.Result{Sites: []profile.Site{{CloudID: "c1", Name: "acme"}, {CloudID: "c2", Name: "beta"}}, HasRefreshToken: true}

// runQuietly runs a conversation that must end on its own: a question
// left waiting fails the test after a few seconds instead of hanging it.
func runQuietly(t *testing.T, c consent.Conversation) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := c.Run(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the conversation waited on its input until the test gave up:\n%s", c.Out)
	}
	return err
}

// A script or ssh without a tty gives an input that is open and silent:
// the site question is not asked, the first site is kept, and the admin
// learns how to choose another.
func TestNoSiteQuestionWhenTheInputIsNotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	starter := &answeredStarter{flow: answered{twoSites}}
	out := &testkit.Buffer{}
	err = runQuietly(t, consent.Conversation{Consents: starter, Name: "p", Browser: noBrowser{}, In: r, Out: out, Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(starter.chosen, []string{"c1"}) || strings.Contains(out.String(), "Which site") {
		t.Fatalf("chosen %v, output:\n%s", starter.chosen, out)
	}
	for _, want := range []string{"Default site: acme (the first", "not a terminal", "`authwiz login p --site SITE`"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// An input that may have someone behind it is asked, for no longer than
// the conversation's Timeout.
func TestSiteQuestionEndsAtTheTimeout(t *testing.T) {
	r, w := io.Pipe() // never written
	t.Cleanup(func() { w.Close() })
	starter := &answeredStarter{flow: answered{twoSites}}
	out := &testkit.Buffer{}
	err := runQuietly(t, consent.Conversation{Consents: starter, Name: "p", Browser: noBrowser{}, In: r, Out: out, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(starter.chosen, []string{"c1"}) {
		t.Fatalf("chosen %v, output:\n%s", starter.chosen, out)
	}
	for _, want := range []string{"Which site should be the default?", "no answer came within 50ms", "--site SITE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// pasteFlow is a consent that ends when a pasted line is the answer.
type pasteFlow struct {
	answered
	answer string

	mu     sync.Mutex
	pasted []string
	done   chan struct{}
}

func (f *pasteFlow) Paste(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pasted = append(f.pasted, s)
	if s != f.answer {
		return errors.New("not the address")
	}
	close(f.done)
	return nil
}

func (f *pasteFlow) Wait(ctx context.Context) (consent.Result, error) {
	select {
	case <-f.done:
		return f.res, nil
	case <-ctx.Done():
		return consent.Result{}, ctx.Err()
	}
}

type pasteStarter struct {
	answeredStarter
	flow *pasteFlow
}

func (s *pasteStarter) Begin(context.Context, string) (consent.Flow, error) { return s.flow, nil }

// A line longer than any address (a whole page pasted without breaks)
// is refused with a word, and the next line is still read.
func TestAnOverLongPastedLineIsRefusedAndReadingGoesOn(t *testing.T) {
	answer := "http://localhost:47613/callback?code=c&state=s"
	flow := &pasteFlow{answered: answered{consent.Result{Sites: twoSites.Sites[:1]}}, answer: answer, done: make(chan struct{})}
	in := strings.NewReader(strings.Repeat("x", 200<<10) + "\n" + answer + "\n")
	out := &testkit.Buffer{}
	err := runQuietly(t, consent.Conversation{Consents: &pasteStarter{flow: flow}, Name: "p", NoBrowser: true, In: in, Out: out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !slices.Equal(flow.pasted, []string{answer}) {
		t.Errorf("pasted %d lines, want only the address", len(flow.pasted))
	}
	if !strings.Contains(out.String(), "too long") || !strings.Contains(out.String(), "paste only that address") {
		t.Errorf("the over-long line is not explained:\n%s", out)
	}
}

// A script types every answer at once. Each conversation on the shared
// input takes only its own line, and what comes after is still there for
// the next conversation and the next prompt.
func TestConversationsOnOneInputLoseNothing(t *testing.T) {
	answers := []string{"http://localhost:47613/callback?code=first&state=s", "http://localhost:47613/callback?code=second&state=s"}
	r, w := io.Pipe()
	t.Cleanup(func() { r.Close() })
	go func() {
		io.WriteString(w, answers[0]+"\n"+answers[1]+"\nthe next prompt's answer\n")
		w.Close()
	}()
	in := consent.NewInput(r)
	for _, answer := range answers {
		flow := &pasteFlow{answered: answered{consent.Result{Sites: twoSites.Sites[:1]}}, answer: answer, done: make(chan struct{})}
		out := &testkit.Buffer{}
		if err := runQuietly(t, consent.Conversation{Consents: &pasteStarter{flow: flow}, Name: "p", NoBrowser: true, In: in, Out: out}); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !slices.Equal(flow.pasted, []string{answer}) {
			t.Errorf("pasted %q, want only %q", flow.pasted, answer)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if next, err := in.ReadLine(ctx); err != nil || next != "the next prompt's answer" {
		t.Fatalf("the next prompt read %q, %v", next, err)
	}
	if rest, err := io.ReadAll(in); err != nil || len(rest) != 0 {
		t.Fatalf("after the last line: %q, %v", rest, err)
	}
}

// The address and the site choice typed at once: the address is taken on
// its own at once, not held back as part of a paste, and the next line
// answers the site question.
func TestAnAddressTypedWithTheSiteChoiceIsTakenAlone(t *testing.T) {
	answer := "http://localhost:47613/callback?code=c&state=s"
	flow := &pasteFlow{answered: answered{twoSites}, answer: answer, done: make(chan struct{})}
	r, w := io.Pipe()
	t.Cleanup(func() { r.Close() })
	go io.WriteString(w, answer+"\n2\n")
	starter := &pasteStarter{flow: flow}
	out := &testkit.Buffer{}
	if err := runQuietly(t, consent.Conversation{Consents: starter, Name: "p", NoBrowser: true, In: r, Out: out}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !slices.Equal(flow.pasted, []string{answer}) || !slices.Equal(starter.chosen, []string{"c2"}) {
		t.Fatalf("pasted %q, chosen %v:\n%s", flow.pasted, starter.chosen, out)
	}
}

// An address pasted after lines that are not the answer, in one paste,
// ends the wait: the lines before it are not offered once more, joined,
// to an attempt that is over.
func TestAnAddressAfterStrayLinesInOnePasteIsTheAnswer(t *testing.T) {
	answer := "http://localhost:47613/callback?code=c&state=s"
	flow := &pasteFlow{answered: answered{consent.Result{Sites: twoSites.Sites[:1]}}, answer: answer, done: make(chan struct{})}
	in := strings.NewReader("Something went wrong\nplease try again\n" + answer + "\n")
	out := &testkit.Buffer{}
	if err := runQuietly(t, consent.Conversation{Consents: &pasteStarter{flow: flow}, Name: "p", NoBrowser: true, In: in, Out: out}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := []string{"Something went wrong", answer}; !slices.Equal(flow.pasted, want) {
		t.Errorf("pasted %q, want %q", flow.pasted, want)
	}
	if n := strings.Count(out.String(), "That is not the answer"); n != 1 {
		t.Errorf("the stray lines are refused %d times, want once:\n%s", n, out)
	}
}

// A prompt reading the shared input line by line: an over-long line is
// refused on its own, and a last line without a line break still counts.
func TestInputReadLine(t *testing.T) {
	in := consent.NewInput(strings.NewReader(strings.Repeat("x", 200<<10) + "\nnext\r\nlast"))
	ctx := context.Background()
	if _, err := in.ReadLine(ctx); !errors.Is(err, consent.ErrLineTooLong) {
		t.Fatalf("over-long line: %v", err)
	}
	for _, want := range []string{"next", "last"} {
		if got, err := in.ReadLine(ctx); err != nil || got != want {
			t.Fatalf("ReadLine = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := in.ReadLine(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("after the end: %v", err)
	}
}
