package cli

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

func TestLoginArgs(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    loginOptions
		wantErr string
	}{
		{[]string{"login", "prod"}, loginOptions{Name: "prod", Timeout: 5 * time.Minute}, ""},
		{[]string{"login", "prod", "--no-browser", "--timeout", "90s"}, loginOptions{Name: "prod", NoBrowser: true, Timeout: 90 * time.Second}, ""},
		{[]string{"login"}, loginOptions{}, "accepts 1 arg"},
		{[]string{"login", "a", "b"}, loginOptions{}, "accepts 1 arg"},
		{[]string{"login", "prod", "--timeout", "0s"}, loginOptions{}, "--timeout must be positive"},
		{[]string{"login", "prod", "--timeout", "soon"}, loginOptions{}, "invalid argument"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var got *loginOptions
			root := newRootCmd(Streams{Out: io.Discard, Err: io.Discard}, nil)
			for _, c := range root.Commands() {
				if c.Name() == "login" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(newLoginCmd(&rootOptions{}, Streams{}, func(_ context.Context, o *loginOptions) error {
				got = o
				return nil
			}))
			root.SetArgs(tc.args)
			err := root.Execute()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || exitCode(err) != ExitUsage {
					t.Fatalf("want usage error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil || got.Name != tc.want.Name || got.NoBrowser != tc.want.NoBrowser || got.Timeout != tc.want.Timeout {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

// loginWorld is a fake Atlassian and a config dir with one profile for it.
func loginWorld(t *testing.T) (dir, name string, server *httptest.Server) {
	t.Helper()
	atl := atltest.Start(t)
	redirect, server := atl.RedirectURL, atl.HTTP
	dir, name = t.TempDir(), "OAuth2 confluence Authentication"
	store, err := profile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = store.Create(profile.Profile{
		Name: name, RedirectURL: redirect, ClientID: atlserver.SampleClientID,
		AuthURL: server.URL + "/authorize", TokenURL: server.URL + "/oauth/token", APIBaseURL: server.URL,
		Scopes: []string{"read:confluence-user", "offline_access"},
	}, profile.Secrets{ClientSecret: atlserver.SampleClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	return dir, name, server
}

// profileIn is login's lookup of the profile called name in dir.
func profileIn(dir, name string) func() (*profile.Store, profile.Profile, error) {
	return func() (*profile.Store, profile.Profile, error) {
		store, err := profile.Open(dir)
		if err != nil {
			return nil, profile.Profile{}, err
		}
		p, _, err := store.Get(name)
		return store, p, err
	}
}

func TestLoginWithBrowserSavesTokensAndSites(t *testing.T) {
	dir, name, _ := loginWorld(t)
	var stderr testkit.Buffer
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runLogin(context.Background(), &loginOptions{
			Name: name, Timeout: 20 * time.Second, Streams: Streams{In: pr, Out: io.Discard, Err: &stderr},
			Open: profileIn(dir, name), Browser: &atltest.Browser{},
		})
	}()
	// The grant reaches two sites: answer the question which is the default.
	stderr.WaitFor(t, "Which site should be the default?")
	fmt.Fprintln(pw, "2")
	if err := <-done; err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	out := stderr.String()
	for _, want := range []string{"Opened in your browser", "Confluence user \"Ada Admin\"", "acme-sandbox", "Default site: acme-sandbox"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	store, _ := profile.Open(dir)
	p, sec, err := store.Get(name)
	if err != nil || sec.RefreshToken == "" || len(p.Sites) != 2 || p.Site.Name != "acme-sandbox" {
		t.Fatalf("saved %+v %v", p, err)
	}
	if strings.Contains(out, sec.AccessToken) || strings.Contains(out, sec.RefreshToken) || strings.Contains(out, atlserver.SampleClientSecret) {
		t.Error("login printed a secret")
	}
}

func TestLoginByPastingTheRedirectedAddress(t *testing.T) {
	dir, name, _ := loginWorld(t)
	pr, pw := io.Pipe()
	var stderr testkit.Buffer
	done := make(chan error, 1)
	go func() {
		done <- runLogin(context.Background(), &loginOptions{
			Name: name, NoBrowser: true, Timeout: 20 * time.Second, Streams: Streams{In: pr, Out: io.Discard, Err: &stderr},
			Open: profileIn(dir, name), Browser: &atltest.Browser{},
		})
	}()
	// The admin opens the printed link elsewhere; the browser there ends on
	// an address this machine's listener never sees.
	stderr.WaitFor(t, "Waiting until")
	resp, err := atlserver.FollowConsent(context.Background(), testkit.NoRedirects(), authURLIn(stderr.String()), true)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fmt.Fprintln(pw, "not the address")
	fmt.Fprintln(pw, resp.Header.Get("Location"))
	stderr.WaitFor(t, "Which site should be the default?")
	fmt.Fprintln(pw, "1")
	if err := <-done; err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "That is not the answer") {
		t.Errorf("a wrong paste is explained:\n%s", stderr.String())
	}
	store, _ := profile.Open(dir)
	if _, sec, _ := store.Get(name); sec.AccessToken == "" {
		t.Error("no tokens saved after a pasted answer")
	}
}
