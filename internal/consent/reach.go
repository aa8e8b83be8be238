package consent

import (
	"context"
	"fmt"
	"slices"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// readMeScope lets /me name the account that consented.
const readMeScope = "read:me"

// reach lists the sites the new tokens reach, saves them with the default
// site, and checks one site with a Confluence call.
func (a *Attempt) reach(ctx context.Context, grant oauthflow.Grant, res Result) (Result, error) {
	api := &atlassian.Client{BaseURL: a.profile.APIBaseURL, HTTP: a.runner.httpClient()}
	token := grant.Token.AccessToken
	found, err := api.AccessibleResources(ctx, token)
	if err != nil {
		return res, fmt.Errorf("the tokens are saved, but listing the sites they reach failed: %w", err)
	}
	if len(found) == 0 {
		return res, fmt.Errorf("the consent worked but reaches no Atlassian site: the account that consented needs access to a Confluence site, "+
			"and the app needs the Confluence API under Permissions in the Atlassian Developer Console; then run `authwiz login %s`", a.name)
	}
	res.Sites = profileSites(found)
	res.Site = defaultSite(a.profile.Site, res.Sites)
	err = a.runner.Store.Update(a.name, func(p *profile.Profile, _ *profile.Secrets) error {
		p.Sites, p.Site = res.Sites, res.Site
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("save the sites of profile %q: %w", a.name, err)
	}

	check := res.Site
	if check.CloudID == "" {
		check = res.Sites[0]
	}
	v, err := api.VerifyConfluence(ctx, token, check.CloudID, res.Granted)
	if err != nil {
		return res, fmt.Errorf("the tokens and sites are saved, but the Confluence check on %s failed: %w", check.Name, err)
	}
	res.Verified = fmt.Sprintf("%s on %s", v.Summary, check.Name)
	res.User = v.DisplayName
	if slices.Contains(res.Granted, readMeScope) {
		me, err := api.Me(ctx, token)
		if err != nil {
			return res, fmt.Errorf("the tokens and sites are saved and Confluence answers, but reading your account failed: %w", err)
		}
		res.User = me.Name
		if me.Email != "" {
			res.User += " (" + me.Email + ")"
		}
	}
	return res, nil
}

// profileSites keeps one entry per cloud ID: Atlassian lists a site once
// per product, and the profile needs it once, with all its scopes.
func profileSites(found []atlassian.Site) []profile.Site {
	var sites []profile.Site
	for _, f := range found {
		i := slices.IndexFunc(sites, func(s profile.Site) bool { return s.CloudID == f.CloudID })
		if i < 0 {
			sites = append(sites, profile.Site{CloudID: f.CloudID, Name: f.Name, URL: f.URL, Scopes: slices.Clone(f.Scopes)})
			continue
		}
		for _, scope := range f.Scopes {
			if !slices.Contains(sites[i].Scopes, scope) {
				sites[i].Scopes = append(sites[i].Scopes, scope)
			}
		}
	}
	return sites
}
