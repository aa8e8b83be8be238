// Command validtoken saves one profile whose access token is valid for a
// day, in the secrets file, so `authwiz token NAME` answers from the files
// alone: the case .ci/bench-token measures.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: validtoken DIR NAME")
		os.Exit(2)
	}
	store, err := profile.Open(os.Args[1])
	if err == nil {
		err = store.Save(profile.Profile{
			Name: os.Args[2], ClientID: "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
			RedirectURL: profile.DefaultRedirectURL, AuthURL: "https://auth.atlassian.com/authorize",
			TokenURL: "https://auth.atlassian.com/oauth/token", APIBaseURL: "https://api.atlassian.com",
			Scopes: []string{"read:confluence-user", "offline_access"}, SecretStorage: profile.StorageFile,
		}, profile.Secrets{ClientSecret: "bench-secret", AccessToken: "bench-access-token", RefreshToken: "bench-refresh-token",
			Expiry: time.Now().Add(24 * time.Hour)})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
