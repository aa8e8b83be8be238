//go:build !windows

package sighold

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/testkit"
)

// childEnv makes the test binary play a program with a critical section;
// its value is the signal the program sends itself inside the section.
const childEnv = "AUTHWIZ_TEST_SIGHOLD_CHILD"

func TestMain(m *testing.M) { testkit.RunMain(m, childEnv, child) }

// child holds signals, is sent one, finishes the section, and releases.
// "listening" makes it also listen for Ctrl-C the way the command line
// does, so the held Ctrl-C must reach that listener after the section.
func child(spec string) int {
	sig := map[string]syscall.Signal{"SIGINT": syscall.SIGINT, "SIGTERM": syscall.SIGTERM, "listening": syscall.SIGINT}[spec]
	ctx, stop := context.WithCancel(context.Background())
	if spec == "listening" {
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt)
	}
	defer stop()
	release := Hold()
	syscall.Kill(os.Getpid(), sig)
	// Give the signal time to arrive: unheld, it would end the process here.
	time.Sleep(200 * time.Millisecond)
	fmt.Println("section finished")
	if held := release(); held != sig {
		fmt.Println("release reported", held)
	}
	if spec == "listening" {
		select {
		case <-ctx.Done():
			fmt.Println("stopped as asked")
			return 0
		case <-time.After(5 * time.Second):
			return 2
		}
	}
	time.Sleep(5 * time.Second)
	fmt.Println("still running after release")
	return 0
}

func runChild(t *testing.T, spec string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+spec)
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	return out.String(), err
}

func TestHeldSignalEndsTheProgramAfterTheSection(t *testing.T) {
	for _, spec := range []string{"SIGINT", "SIGTERM"} {
		t.Run(spec, func(t *testing.T) {
			out, err := runChild(t, spec)
			if out != "section finished\n" {
				t.Errorf("output %q: the section must finish, and the program end right after it", out)
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the child was not ended by the signal: %v", err)
			}
			if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal().String() != map[string]string{"SIGINT": "interrupt", "SIGTERM": "terminated"}[spec] {
				t.Errorf("exit %v, want death by %s", err, spec)
			}
		})
	}
}

// A program listening for Ctrl-C itself gets it after the section. The
// signal handed back may come after the program stopped listening, ending
// it by Ctrl-C once it has done all it meant to: a normal end too.
func TestHeldCtrlCReachesTheProgramsOwnListener(t *testing.T) {
	out, err := runChild(t, "listening")
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT) {
		t.Errorf("the program ended with %v", err)
	}
	if out != "section finished\nstopped as asked\n" {
		t.Errorf("output %q", out)
	}
}
