package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// reach finds the sites the new tokens reach, checks one of them and saves
// the sites with the default site. The tokens are saved already, so every
// error here says so.
func (a *Attempt) reach(ctx context.Context, grant oauthflow.Grant, res Result) (Result, error) {
	client := &atlassian.Client{BaseURL: a.profile.APIBaseURL, HTTP: a.runner.httpClient()}
	token := grant.Token.AccessToken
	found, err := client.AccessibleResources(ctx, token)
	if err != nil {
		return res, fmt.Errorf("the consent worked and the tokens are saved, but: %w", err)
	}
	if len(found) == 0 {
		return res, errors.New("the consent worked and the tokens are saved, but they reach no Atlassian site: " +
			"consent with an account that has access to your Confluence site, and make sure a Confluence scope was granted")
	}
	for _, s := range found {
		res.Sites = append(res.Sites, profile.Site{CloudID: s.CloudID, Name: s.Name, URL: s.URL, Scopes: s.Scopes})
	}
	res.Site = defaultSite(a.profile.Site, res.Sites)
	if err := a.saveSites(res); err != nil {
		return res, err
	}

	check := res.Site
	if check.CloudID == "" {
		check = res.Sites[0]
	}
	v, err := client.VerifyConfluence(ctx, token, check.CloudID, grant.Granted)
	switch {
	case errors.Is(err, atlassian.ErrNoCheckScope):
		res.Verified = "not checked: no granted scope allows a cheap read"
	case err != nil:
		return res, fmt.Errorf("the consent worked and the tokens are saved, but the check on %s failed: %w", check.Name, err)
	default:
		res.Verified = fmt.Sprintf("%s on %s", v.Summary, check.Name)
		res.User = v.DisplayName
	}
	if slices.Contains(grant.Granted, "read:me") {
		if me, err := client.Me(ctx, token); err == nil && me.Name != "" {
			res.User = me.Name
		}
	}
	return res, nil
}

func (a *Attempt) saveSites(res Result) error {
	err := a.runner.Store.Update(a.name, func(p *profile.Profile, _ *profile.Secrets) error {
		p.Sites = res.Sites
		p.Site = res.Site
		return nil
	})
	if err != nil {
		return fmt.Errorf("the consent worked and the tokens are saved, but saving the sites failed: %w", err)
	}
	return nil
}
