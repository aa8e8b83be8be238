package atltest

import (
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
)

// Demo is `authwiz demo`'s side of a test: the rehearsal server on a free
// port with a Redirect URL registered, and a store of rehearsal profiles
// holding one profile, Name, set up for it.
type Demo struct {
	Server      *rehearsal.Server
	RedirectURL string
	Store       *profile.Store
	Name        string
}

// StartDemo starts the rehearsal server and saves a profile for it, with
// the given scopes to request.
func StartDemo(t testing.TB, scopes ...string) *Demo {
	t.Helper()
	srv, err := rehearsal.Start(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	d := &Demo{Server: srv, RedirectURL: RedirectURL(t), Name: "Demo"}
	if err := srv.RegisterCallback(d.RedirectURL); err != nil {
		t.Fatal(err)
	}
	if d.Store, err = profile.Open(rehearsal.Dir(t.TempDir())); err != nil {
		t.Fatal(err)
	}
	err = d.Store.Create(profile.Profile{Name: d.Name, AppName: rehearsal.AppName, ClientID: rehearsal.ClientID,
		RedirectURL: d.RedirectURL, AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), APIBaseURL: srv.APIBaseURL(),
		Scopes: scopes}, profile.Secrets{ClientSecret: rehearsal.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
