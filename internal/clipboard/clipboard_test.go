package clipboard

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// withDisplay is an environment in which every platform has a clipboard.
var withDisplay = env(map[string]string{"DISPLAY": ":0"})

func TestSystemWritesThroughTheHelper(t *testing.T) {
	var got string
	s := System{Getenv: withDisplay, write: func(text string) error { got = text; return nil }}
	if err := s.WriteAll("http://localhost:47613/callback"); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	if got != "http://localhost:47613/callback" {
		t.Fatalf("helper got %q", got)
	}
}

func TestSystemWithoutHelperIsUnavailable(t *testing.T) {
	called := false
	s := System{Getenv: withDisplay, unsupported: true, write: func(string) error { called = true; return nil }}
	err := s.WriteAll("x")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "xclip") {
		t.Errorf("error %q does not say what to install", err)
	}
	if called {
		t.Error("the helper ran although none is installed")
	}
}

func TestSystemHelperFailureIsWrapped(t *testing.T) {
	boom := errors.New("exit status 1")
	s := System{Getenv: withDisplay, write: func(string) error { return boom }}
	err := s.WriteAll("x")
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "system clipboard") {
		t.Fatalf("err = %v, want the helper's error with context", err)
	}
}

func TestSystemHelperThatHangsTimesOut(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	s := System{Getenv: withDisplay, timeout: 20 * time.Millisecond, write: func(string) error { <-block; return nil }}
	err := s.WriteAll("x")
	if err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

func TestFakeRecordsOrFails(t *testing.T) {
	f := &Fake{}
	_ = f.WriteAll("one")
	_ = f.WriteAll("two")
	if got := f.Written(); len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Fatalf("Written() = %q", got)
	}
	f.Err = ErrUnavailable
	if err := f.WriteAll("three"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if got := f.Written(); len(got) != 2 {
		t.Fatalf("a failed copy was recorded: %q", got)
	}
}
