package tui

import (
	"slices"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// cleanProfile is p with every text field a person or a server could have
// written passed through the one sanitiser. A profiles.toml or draft
// edited by hand may hold escape sequences (a clipboard write, a screen
// clear): the wizard shows and edits only the cleaned values, so none
// reaches the terminal.
func cleanProfile(p profile.Profile) profile.Profile {
	for _, f := range []*string{&p.Name, &p.AppName, &p.RedirectURL, &p.ClientID, &p.AuthURL, &p.TokenURL, &p.APIBaseURL} {
		*f = validate.Sanitize(*f)
	}
	p.Scopes = cleanAll(p.Scopes)
	p.Site = cleanSite(p.Site)
	p.Sites = slices.Clone(p.Sites)
	for i := range p.Sites {
		p.Sites[i] = cleanSite(p.Sites[i])
	}
	return p
}

func cleanSite(s profile.Site) profile.Site {
	s.Name, s.URL = validate.Sanitize(s.Name), validate.Sanitize(s.URL)
	return s
}

func cleanAll(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = validate.Sanitize(s)
	}
	return out
}
