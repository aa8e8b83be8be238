// Command manyprofiles fills a config directory with n saved profiles, for
// measuring the start screen with many of them.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: manyprofiles DIR N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	store, err := profile.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// One Update per profile would rewrite the files n times; Save in a loop
	// is what an admin's history looks like and is quick enough for n=500.
	for i := range n {
		p := profile.Profile{
			Name: fmt.Sprintf("Confluence %03d", i), ClientID: fmt.Sprintf("client%026d", i),
			RedirectURL: "http://localhost:47613/callback", AuthURL: "https://auth.atlassian.com/authorize",
			TokenURL: "https://auth.atlassian.com/oauth/token", Scopes: []string{"read:confluence-content.all", "offline_access"},
			SecretStorage: profile.StorageFile,
			Site:          profile.Site{CloudID: strconv.Itoa(i), Name: fmt.Sprintf("site-%d", i), URL: fmt.Sprintf("https://site-%d.atlassian.net", i)},
		}
		sec := profile.Secrets{ClientSecret: "secret", AccessToken: "a", RefreshToken: "r", Expiry: time.Now().Add(time.Duration(i) * time.Minute)}
		if err := store.Save(p, sec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
