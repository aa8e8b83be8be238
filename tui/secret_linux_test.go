package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/authwiz/authwiz/internal/testkit"
)

// openTerminal is a pseudo-terminal: the admin's side, written to as
// typing and read for what the terminal shows, and the program's side.
func openTerminal(t *testing.T) (admin, program *os.File) {
	t.Helper()
	admin, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := unix.IoctlSetPointerInt(int(admin.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(admin.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	program, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { program.Close() })
	return admin, program
}

// At a terminal the secret is read from the same input as every answer,
// whose reader waits on the terminal already: it arrives, unseen, and the
// answers after it are echoed again.
func TestAccessibleSecretAtATerminalIsReadUnseen(t *testing.T) {
	admin, program := openTerminal(t)
	shown := &testkit.Buffer{}
	go func() { _, _ = io.Copy(shown, admin) }()
	out := &testkit.Buffer{}
	p := newPrompter(context.Background(), program, out)
	fmt.Fprint(admin, "Confluence prod\n")
	if got, err := p.ask("Name", ""); got != "Confluence prod" || err != nil {
		t.Fatalf("name %q, %v", got, err)
	}
	shown.WaitFor(t, "Confluence prod")
	secrets := make(chan string, 1)
	go func() {
		s, err := p.readSecret()
		if err != nil {
			s = err.Error()
		}
		secrets <- s
	}()
	out.WaitFor(t, "Client secret")
	fmt.Fprint(admin, testSecret+"\n")
	select {
	case got := <-secrets:
		if got != testSecret {
			t.Fatalf("secret read as %q", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the typed secret never reached the prompt")
	}
	fmt.Fprint(admin, "after\n")
	if got, err := p.ask("Next", ""); got != "after" || err != nil {
		t.Fatalf("the answer after the secret: %q, %v", got, err)
	}
	shown.WaitFor(t, "after")
	if strings.Contains(shown.String(), testSecret) {
		t.Fatalf("the terminal showed the secret: %q", shown.String())
	}
}
