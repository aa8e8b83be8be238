package cli

import (
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
)

// Tab completes profile names, real ones or with --rehearsal rehearsal
// ones, for every command that takes one; never file names, and nothing
// for rename's new name.
func TestCompletionOfProfileNames(t *testing.T) {
	w := newWorld(t)
	w.create("Confluence prod")
	w.create("Confluence test")
	w.create("other")
	store, err := profile.Open(rehearsal.Dir(w.dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Create(profile.Profile{Name: "Confluence rehearsal", AppName: rehearsal.AppName, ClientID: rehearsal.ClientID,
		RedirectURL: w.redirect, AuthURL: w.server.URL + "/authorize", TokenURL: w.server.URL + "/oauth/token", APIBaseURL: w.server.URL,
		Scopes: []string{"offline_access"}}, profile.Secrets{ClientSecret: rehearsal.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	complete := func(args ...string) []string {
		t.Helper()
		// The shell script cobra generates asks the program itself.
		r := w.run("", nil, append([]string{"__complete"}, args...)...)
		if r.code != 0 {
			t.Fatalf("__complete %q: %d\n%s", args, r.code, r.stderr)
		}
		return strings.Split(strings.TrimSpace(r.stdout), "\n")
	}
	const noFiles = ":4" // cobra.ShellCompDirectiveNoFileComp
	for _, verb := range []string{"show", "token", "login", "edit", "status", "rename", "delete", "export"} {
		got := complete(verb, "conf")
		if want := []string{"Confluence prod", "Confluence test", noFiles}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s conf<Tab>: %q, want %q", verb, got, want)
		}
	}
	if got := complete("token", "--rehearsal", ""); strings.Join(got, "|") != "Confluence rehearsal|"+noFiles {
		t.Errorf("token --rehearsal <Tab>: %q", got)
	}
	if got := complete("rename", "other", ""); strings.Join(got, "|") != noFiles {
		t.Errorf("rename's new name is not completed: %q", got)
	}
}
