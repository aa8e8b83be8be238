//go:build linux || freebsd || netbsd || openbsd || solaris || dragonfly

package clipboard

import (
	"errors"
	"testing"
)

func TestHeadlessUnixHasNoClipboard(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		ok   bool
	}{
		{"x11", map[string]string{"DISPLAY": ":0"}, true},
		{"wayland", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, true},
		{"wsl", map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, true},
		{"termux", map[string]string{"TERMUX_VERSION": "0.118"}, true},
		{"ssh session on a server", map[string]string{"SSH_TTY": "/dev/pts/0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			s := System{Getenv: env(tc.vars), write: func(string) error { called = true; return nil }}
			err := s.WriteAll("x")
			if tc.ok != (err == nil) || tc.ok != called {
				t.Fatalf("err = %v, helper called = %v; want ok = %v", err, called, tc.ok)
			}
			if !tc.ok && !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
		})
	}
}
