// Package atlassian holds what authwiz knows of Atlassian: its endpoints,
// the scope catalog, and the calls made after a consent (accessible
// resources, the Confluence check, the current user). Every text that comes
// from Atlassian is cleaned before anyone shows it.
package atlassian

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Atlassian's endpoints and the Developer Console.
const (
	DefaultAuthURL      = "https://auth.atlassian.com/authorize"
	DefaultTokenURL     = "https://auth.atlassian.com/oauth/token"
	DefaultAPIBaseURL   = "https://api.atlassian.com"
	DeveloperConsoleURL = "https://developer.atlassian.com/console/myapps/"
	// RevokeAppsURL is where a user withdraws an app's access to their account.
	RevokeAppsURL = "https://id.atlassian.com/manage-profile/apps"
)

// AuthParams are the authorization parameters Atlassian requires beyond
// the standard ones: without audience the flow fails, and prompt=consent
// shows the consent screen every time.
func AuthParams() map[string]string {
	return map[string]string{"audience": "api.atlassian.com", "prompt": "consent"}
}

// Client calls Atlassian's API with an access token.
type Client struct {
	// BaseURL is the profile's API base URL; empty means DefaultAPIBaseURL.
	BaseURL string
	// HTTP is the client to use; nil means httpclient.Default(), whose
	// every step is bounded.
	HTTP *http.Client

	now  func() time.Time                                 // nil means time.Now
	wait func(ctx context.Context, d time.Duration) error // nil waits on a timer
}

// Site is one cloud site an access token reaches.
type Site struct {
	CloudID   string
	Name      string
	URL       string
	Scopes    []string
	AvatarURL string
}

// AccessibleResources lists the sites the token reaches.
func (c *Client) AccessibleResources(ctx context.Context, accessToken string) ([]Site, error) {
	var raw []struct {
		ID        string   `json:"id"`
		Name      string   `json:"name"`
		URL       string   `json:"url"`
		Scopes    []string `json:"scopes"`
		AvatarURL string   `json:"avatarUrl"`
	}
	if err := c.get(ctx, accessToken, call{path: "/oauth/token/accessible-resources", doing: "list the sites the token reaches"}, &raw); err != nil {
		return nil, err
	}
	sites := make([]Site, 0, len(raw))
	for _, r := range raw {
		scopes := make([]string, 0, len(r.Scopes))
		for _, s := range r.Scopes {
			scopes = append(scopes, oneLine(s))
		}
		sites = append(sites, Site{
			CloudID:   oneLine(r.ID),
			Name:      oneLine(r.Name),
			URL:       oneLine(r.URL),
			Scopes:    scopes,
			AvatarURL: oneLine(r.AvatarURL),
		})
	}
	return sites, nil
}

// Verification is what the check after a consent saw.
type Verification struct {
	// Summary says it in a few words, e.g. `Confluence user "Ada Lovelace"`.
	Summary string
	// DisplayName is the Confluence user, when the check read one.
	DisplayName string
}

// ErrNoCheckScope: none of the granted scopes allows a cheap read.
var ErrNoCheckScope = errors.New("no granted scope allows a check call")

// The scopes that allow the cheap reads VerifyConfluence makes: the classic
// one for the current user, the granular one for a space.
const (
	userCheckScope  = "read:confluence-user"
	spaceCheckScope = "read:space:confluence"
)

// VerifyConfluence proves the token works on the site with cloudID by
// reading the current user (needs read:confluence-user) or, with only
// granular scopes, one space (needs read:space:confluence).
func (c *Client) VerifyConfluence(ctx context.Context, accessToken, cloudID string, granted []string) (Verification, error) {
	v, err := c.verifyConfluence(ctx, accessToken, cloudID, granted)
	if err != nil {
		return v, c.siteOrToken(ctx, accessToken, cloudID, err)
	}
	return v, nil
}

func (c *Client) verifyConfluence(ctx context.Context, accessToken, cloudID string, granted []string) (Verification, error) {
	base := "/ex/confluence/" + url.PathEscape(cloudID) + "/wiki"
	switch {
	case slices.Contains(granted, userCheckScope):
		var u struct {
			DisplayName string `json:"displayName"`
			PublicName  string `json:"publicName"`
		}
		userCall := call{path: base + "/rest/api/user/current", doing: "read the current Confluence user", scope: userCheckScope}
		if err := c.get(ctx, accessToken, userCall, &u); err != nil {
			return Verification{}, err
		}
		name := oneLine(cmp.Or(u.DisplayName, u.PublicName))
		return Verification{Summary: fmt.Sprintf("Confluence user %q", name), DisplayName: name}, nil
	case slices.Contains(granted, spaceCheckScope):
		var spaces struct {
			Results []struct {
				Name string `json:"name"`
			} `json:"results"`
		}
		spaceCall := call{path: base + "/api/v2/spaces?limit=1", doing: "read a Confluence space", scope: spaceCheckScope}
		if err := c.get(ctx, accessToken, spaceCall, &spaces); err != nil {
			return Verification{}, err
		}
		if len(spaces.Results) == 0 {
			return Verification{Summary: "Confluence answered (no spaces visible)"}, nil
		}
		return Verification{Summary: fmt.Sprintf("Confluence space %q", oneLine(spaces.Results[0].Name))}, nil
	}
	return Verification{}, fmt.Errorf("check the token on Confluence: %w; add %s (or %s) to check it", ErrNoCheckScope, userCheckScope, spaceCheckScope)
}

// siteOrToken tells a site the grant does not reach from a dead token.
// Atlassian answers both with the same bare 401, so the token is tried on
// the list of sites it reaches: when that works and the site is not in
// it, the consent is what must change, not the token.
func (c *Client) siteOrToken(ctx context.Context, accessToken, cloudID string, err error) error {
	var refused *APIError
	if !errors.As(err, &refused) || refused.Status != http.StatusUnauthorized || refused.MissingScope != "" {
		return err
	}
	sites, listErr := c.AccessibleResources(ctx, accessToken)
	if listErr != nil || slices.ContainsFunc(sites, func(s Site) bool { return s.CloudID == cloudID }) {
		return err
	}
	var names []string
	for _, s := range sites {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	reaches := "no site"
	if len(names) > 0 {
		reaches = strings.Join(names, ", ")
	}
	refused.SiteNotReached = cloudID
	refused.Fix = fmt.Sprintf("The token works, but the consent does not reach the site with cloud ID %s (it reaches %s): "+
		"consent again with `authwiz login NAME` and choose that site under Use app on.", oneLine(cloudID), reaches)
	return refused
}

// User is the account that consented.
type User struct {
	AccountID string
	Name      string
	Email     string
}

// Me reads the consenting account; it needs the read:me scope.
func (c *Client) Me(ctx context.Context, accessToken string) (User, error) {
	var u struct {
		AccountID string `json:"account_id"`
		Name      string `json:"name"`
		Email     string `json:"email"`
	}
	if err := c.get(ctx, accessToken, call{path: "/me", doing: "read your Atlassian account", scope: "read:me"}, &u); err != nil {
		return User{}, err
	}
	return User{AccountID: oneLine(u.AccountID), Name: oneLine(u.Name), Email: oneLine(u.Email)}, nil
}
