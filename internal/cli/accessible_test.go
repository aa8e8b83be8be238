package cli

import "testing"

func TestAccessibleWanted(t *testing.T) {
	for _, tc := range []struct {
		flag bool
		env  map[string]string
		want bool
	}{
		{false, nil, false},
		{true, nil, true},
		{false, map[string]string{"ACCESSIBLE": "1"}, true},
		{false, map[string]string{"ACCESSIBLE": "0"}, false},
		{false, map[string]string{"TERM": "dumb"}, true},
		{false, map[string]string{"TERM": "xterm-256color"}, false},
	} {
		o := rootOptions{accessible: tc.flag}
		if got := o.accessibleWanted(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("flag %v env %v: got %v", tc.flag, tc.env, got)
		}
	}
}
