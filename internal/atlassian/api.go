// Package atlassian holds what authwiz knows of Atlassian: its endpoints,
// the scope catalog, and the calls made after a consent (accessible
// resources, the Confluence check, the current user). Every text that comes
// from Atlassian is cleaned before anyone shows it.
package atlassian

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authwiz/authwiz/internal/validate"
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

// maxResponse bounds what authwiz reads from any API answer.
const maxResponse = 1 << 20

// Client calls Atlassian's API with an access token.
type Client struct {
	// BaseURL is the profile's API base URL; empty means DefaultAPIBaseURL.
	BaseURL string
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
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
	if err := c.get(ctx, accessToken, "/oauth/token/accessible-resources", "list the sites the token reaches", &raw); err != nil {
		return nil, err
	}
	sites := make([]Site, 0, len(raw))
	for _, r := range raw {
		scopes := make([]string, 0, len(r.Scopes))
		for _, s := range r.Scopes {
			scopes = append(scopes, validate.Clean(s))
		}
		sites = append(sites, Site{
			CloudID:   validate.Clean(r.ID),
			Name:      validate.Clean(r.Name),
			URL:       validate.Clean(r.URL),
			Scopes:    scopes,
			AvatarURL: validate.Clean(r.AvatarURL),
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

// VerifyConfluence proves the token works on the site with cloudID by
// reading the current user (needs read:confluence-user) or, with only
// granular scopes, one space (needs read:space:confluence).
func (c *Client) VerifyConfluence(ctx context.Context, accessToken, cloudID string, granted []string) (Verification, error) {
	base := "/ex/confluence/" + url.PathEscape(cloudID) + "/wiki"
	switch {
	case slices.Contains(granted, "read:confluence-user"):
		var u struct {
			DisplayName string `json:"displayName"`
			PublicName  string `json:"publicName"`
		}
		if err := c.get(ctx, accessToken, base+"/rest/api/user/current", "read the current Confluence user", &u); err != nil {
			return Verification{}, err
		}
		name := validate.Clean(cmp.Or(u.DisplayName, u.PublicName))
		return Verification{Summary: fmt.Sprintf("Confluence user %q", name), DisplayName: name}, nil
	case slices.Contains(granted, "read:space:confluence"):
		var spaces struct {
			Results []struct {
				Name string `json:"name"`
			} `json:"results"`
		}
		if err := c.get(ctx, accessToken, base+"/api/v2/spaces?limit=1", "read a Confluence space", &spaces); err != nil {
			return Verification{}, err
		}
		if len(spaces.Results) == 0 {
			return Verification{Summary: "Confluence answered (no spaces visible)"}, nil
		}
		return Verification{Summary: fmt.Sprintf("Confluence space %q", validate.Clean(spaces.Results[0].Name))}, nil
	}
	return Verification{}, fmt.Errorf("check the token on Confluence: %w; add read:confluence-user (or read:space:confluence) to check it", ErrNoCheckScope)
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
	if err := c.get(ctx, accessToken, "/me", "read your Atlassian account", &u); err != nil {
		return User{}, err
	}
	return User{AccountID: validate.Clean(u.AccountID), Name: validate.Clean(u.Name), Email: validate.Clean(u.Email)}, nil
}

// APIError is an answer from Atlassian that was not a success, put in
// plain words with what to do.
type APIError struct {
	Status  int
	Doing   string // what authwiz was trying, e.g. "list the sites the token reaches"
	Message string // Atlassian's own words, cleaned
	Fix     string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("could not %s: Atlassian answered %d", e.Doing, e.Status)
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	return msg + ". " + e.Fix
}

func (c *Client) get(ctx context.Context, accessToken, path, doing string, into any) error {
	base := strings.TrimSuffix(cmp.Or(c.BaseURL, DefaultAPIBaseURL), "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := cmp.Or(c.HTTP, http.DefaultClient).Do(req)
	if err != nil {
		return fmt.Errorf("could not %s: %w. Check the network connection (and any proxy) to %s", doing, err, base)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("could not %s: reading the answer: %w", doing, err)
	}
	if resp.StatusCode != http.StatusOK {
		return apiError(resp.StatusCode, doing, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("could not %s: the answer from %s is not what Atlassian sends (%v); check the API base URL", doing, base, err)
	}
	return nil
}

func apiError(status int, doing string, body []byte) *APIError {
	var e struct {
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	msg := validate.Clean(cmp.Or(e.Message, e.ErrorDescription, e.Error))
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	fix := "Try again; if it keeps failing, check Atlassian's status page."
	switch {
	case status == http.StatusUnauthorized && strings.Contains(strings.ToLower(msg), "scope does not match"):
		fix = "The app lacks a scope this call needs: add it under Permissions in the Developer Console and to the profile's scopes, then consent again with `authwiz login NAME`."
	case status == http.StatusUnauthorized:
		fix = "The access token was refused: consent again with `authwiz login NAME`."
	case status == http.StatusForbidden:
		fix = "The account that consented may not do this on the site: consent with an account that has access, or ask a site admin."
	case status == http.StatusNotFound:
		fix = "The site is not reachable with this grant any more: run `authwiz login NAME` to refresh the list of sites."
	case status == http.StatusTooManyRequests:
		fix = "Atlassian is limiting requests: wait a minute and try again."
	case status >= 500:
		fix = "Atlassian is having trouble: try again in a few minutes."
	}
	return &APIError{Status: status, Doing: doing, Message: msg, Fix: fix}
}
