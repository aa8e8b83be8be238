package rehearsal

import "testing"

func TestTunnelCommand(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"local", map[string]string{"USER": "ada"}, ""},
		{"ssh", map[string]string{"SSH_CONNECTION": "10.0.0.5 51234 10.0.0.9 22", "USER": "ada"},
			"ssh -N -L 47620:127.0.0.1:47620 -L 47613:127.0.0.1:47613 ada@10.0.0.9"},
		{"ssh on another port, ipv6, no user", map[string]string{"SSH_CONNECTION": "fe80::1 51234 fe80::2 2222"},
			"ssh -N -p 2222 -L 47620:127.0.0.1:47620 -L 47613:127.0.0.1:47613 [fe80::2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := TunnelCommand(env(tc.env), 47620, "http://localhost:47613/callback"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
