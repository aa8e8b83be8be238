package cli

import (
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
)

// Every command exits as the root command's help says: 4 for a name no
// profile has (with the flag that reaches a profile of that name on the
// other side), 2 for an unknown command or missing arguments, with the
// usage.
func TestExitCodes(t *testing.T) {
	w := newWorld(t)
	w.create("real one")
	store, err := profile.Open(rehearsal.Dir(w.dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Create(profile.Profile{Name: "rehearsed", AppName: rehearsal.AppName, ClientID: rehearsal.ClientID,
		RedirectURL: w.redirect, AuthURL: w.server.URL + "/authorize", TokenURL: w.server.URL + "/oauth/token", APIBaseURL: w.server.URL,
		Scopes: []string{"read:confluence-user", "offline_access"}}, profile.Secrets{ClientSecret: rehearsal.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	byName := func(verb string) [][]string {
		args := func(name string, extra ...string) []string {
			a := append([]string{verb, name}, extra...)
			if verb == "rename" {
				a = append(a, "new name")
			}
			return a
		}
		return [][]string{args("nobody"), args("rehearsed"), args("real one", "--rehearsal")}
	}
	for _, verb := range []string{"show", "token", "login", "edit", "status", "rename", "delete", "export"} {
		for i, args := range byName(verb) {
			if verb == "edit" && i == 2 {
				continue // edit --rehearsal is refused whatever the name
			}
			r := w.run("", nil, args...)
			want := []string{"`authwiz list` shows them", "add --rehearsal", "leave out --rehearsal"}[i]
			if r.code != ExitNotFound || !strings.Contains(r.stderr, want) {
				t.Errorf("authwiz %q: exit %d, want %d and %q:\n%s", args, r.code, ExitNotFound, want, r.stderr)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tokn"}, "did you mean token?"},
		{[]string{"frobnicate"}, "`authwiz --help` lists them"},
		{[]string{"show"}, "Usage:\n  authwiz show NAME"},
		{[]string{"token"}, "Usage:\n  authwiz token NAME"},
		{[]string{"login"}, "Usage:\n  authwiz login NAME"},
		{[]string{"edit"}, "Usage:\n  authwiz edit NAME"},
		{[]string{"rename", "real one"}, "Usage:\n  authwiz rename"},
		{[]string{"delete"}, "Usage:\n  authwiz delete NAME"},
		{[]string{"export"}, "Usage:\n  authwiz export NAME"},
		{[]string{"list", "extra"}, "Usage:\n  authwiz list"},
		{[]string{"status", "a", "b"}, "Usage:\n  authwiz status"},
		{[]string{"show", "real one", "--no-such-flag"}, "unknown flag"},
	} {
		if r := w.run("", nil, tc.args...); r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("authwiz %q: exit %d, want %d and %q:\n%s", tc.args, r.code, ExitUsage, tc.want, r.stderr)
		}
	}
}
