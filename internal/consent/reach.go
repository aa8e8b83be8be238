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

// readMeScope lets /me name the account that consented.
const readMeScope = "read:me"

// reach finds the Confluence sites the new tokens reach, saves them with
// the default site, and checks one of them. The tokens are saved already,
// so every error here says so.
func (a *Attempt) reach(ctx context.Context, grant oauthflow.Grant, res Result) (Result, error) {
	api := &atlassian.Client{BaseURL: a.profile.APIBaseURL, HTTP: a.http}
	token := grant.Token.AccessToken
	found, err := api.AccessibleResources(ctx, token)
	if err != nil {
		return res, fmt.Errorf("the consent worked and the tokens are saved, but: %w", err)
	}
	res.Sites = confluenceSites(found)
	if len(res.Sites) == 0 {
		return res, fmt.Errorf("the consent worked and the tokens are saved, but they reach no Confluence site: consent with an account "+
			"that has access to your Confluence site, and make sure the app has Confluence scopes under Permissions in the "+
			"Atlassian Developer Console; then run `%s`", profile.Command("login", a.name))
	}
	res.Site = defaultSite(a.profile.Site, res.Sites)
	err = a.runner.Store.Update(a.name, func(p *profile.Profile, _ *profile.Secrets) error {
		p.Sites, p.Site = res.Sites, res.Site
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("the consent worked and the tokens are saved, but saving the sites failed: %w", err)
	}

	check := res.Site
	if check.CloudID == "" {
		check = res.Sites[0]
	}
	v, err := api.VerifyConfluence(ctx, token, check.CloudID, res.Granted)
	switch {
	case errors.Is(err, atlassian.ErrNoCheckScope):
		// Content-only scopes allow no cheap read; the sites listed above
		// already prove the token works.
		res.Verified = "not checked: no granted scope allows a cheap Confluence read"
	case err != nil:
		return res, fmt.Errorf("the consent worked and the tokens and sites are saved, but the check on %s failed: %w", check.Name, err)
	default:
		res.Verified = fmt.Sprintf("%s on %s", v.Summary, check.Name)
		res.User = v.DisplayName
	}
	// /me only improves the name shown; it fails when the User Identity
	// API is not added to the app, which does not affect Confluence.
	if slices.Contains(res.Granted, readMeScope) {
		if me, err := api.Me(ctx, token); err == nil && me.Name != "" {
			res.User = me.Name
		}
	}
	return res, nil
}

// confluenceSites keeps the sites the grant reaches with Confluence, once
// each: Atlassian lists a site once per product, and only the Confluence
// entry matters to a Confluence profile.
func confluenceSites(found []atlassian.Site) []profile.Site {
	var sites []profile.Site
	for _, f := range found {
		if !slices.ContainsFunc(f.Scopes, atlassian.IsConfluenceScope) ||
			slices.ContainsFunc(sites, func(s profile.Site) bool { return s.CloudID == f.CloudID }) {
			continue
		}
		sites = append(sites, profile.Site{CloudID: f.CloudID, Name: f.Name, URL: f.URL, Scopes: slices.Clone(f.Scopes)})
	}
	return sites
}
