package consent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// Profiles is the part of the profile store a consent reads and writes.
type Profiles interface {
	Get(name string) (profile.Profile, profile.Secrets, error)
	Update(name string, fn func(p *profile.Profile, sec *profile.Secrets) error) error
}

// Runner runs consents for saved profiles. Only Store is required.
type Runner struct {
	Store Profiles
	// HTTP talks to Atlassian's token endpoint and API; nil means a
	// client whose every step is bounded by RequestTimeout.
	HTTP *http.Client
	// RequestTimeout bounds each call to the token endpoint and the API,
	// answer included (0: 30 seconds), for a proxy or server that needs
	// longer. It applies when HTTP is nil.
	RequestTimeout time.Duration
	// Now stamps token expiry and rotation times; nil means time.Now.
	Now func() time.Time
	// Timeout bounds the wait for the browser (0: 5 minutes); HintAfter is
	// when Attempt.Hint fires (0: 60 seconds).
	Timeout   time.Duration
	HintAfter time.Duration
}

// Start loads the profile and begins its consent: the listener is bound
// when Start returns, so the browser may be sent to AuthURL at once.
func (r *Runner) Start(ctx context.Context, profileName string) (*Attempt, error) {
	p, sec, err := r.Store.Get(profileName)
	if errors.Is(err, profile.ErrNotFound) {
		return nil, fmt.Errorf("no profile is called %q: run %s without a command to see the saved ones", profileName, profile.Program)
	}
	if err != nil {
		return nil, fmt.Errorf("open profile %q: %w", profileName, err)
	}
	if err := ready(p, sec); err != nil {
		return nil, err
	}
	client := r.httpClient()
	opts := []oauthflow.Option{oauthflow.WithHTTPClient(client)}
	if r.Timeout > 0 {
		opts = append(opts, oauthflow.WithTimeout(r.Timeout))
	}
	if r.HintAfter > 0 {
		opts = append(opts, oauthflow.WithHintAfter(r.HintAfter))
	}
	session, err := oauthflow.Begin(ctx, oauthflow.Config{
		ClientID:     p.ClientID,
		ClientSecret: sec.ClientSecret,
		AuthURL:      p.AuthURL,
		TokenURL:     p.TokenURL,
		RedirectURL:  p.RedirectURL,
		Scopes:       p.Scopes,
		AuthParams:   atlassian.AuthParams(),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Attempt{runner: r, name: p.Name, profile: p, session: session, http: client}, nil
}

// ready says what the profile lacks before a consent can work.
func ready(p profile.Profile, sec profile.Secrets) error {
	missing := func(what string) error {
		return fmt.Errorf("profile %q has no %s: add it with `%s`", p.Name, what, profile.Command("edit", p.Name))
	}
	switch {
	case p.ClientID == "":
		return missing("client ID")
	case sec.ClientSecret == "":
		return missing("client secret")
	case p.RedirectURL == "":
		return missing("Redirect URL")
	case p.AuthURL == "":
		return missing("authorization URL")
	case p.TokenURL == "":
		return missing("token URL")
	case len(p.Scopes) == 0:
		return missing("scopes")
	}
	return nil
}

// ChooseSite makes the site with cloudID the profile's default; it must be
// one of the sites the last consent reached.
func (r *Runner) ChooseSite(profileName, cloudID string) error {
	return r.Store.Update(profileName, func(p *profile.Profile, _ *profile.Secrets) error {
		for _, s := range p.Sites {
			if s.CloudID == cloudID {
				p.Site = s
				return nil
			}
		}
		return fmt.Errorf("profile %q reaches no site with cloud ID %q; run `%s` to refresh its sites", profileName, cloudID, profile.Command("login", profileName))
	})
}

// TokenSource hands out the profile's access token, refreshing and saving
// it under the store's lock when it is about to expire. It is an
// oauth2.TokenSource; TokenContext takes a context for the refresh.
func (r *Runner) TokenSource(profileName string) *oauthflow.StoredTokenSource {
	return &oauthflow.StoredTokenSource{Store: r.Store, Profile: profileName, HTTP: r.HTTP, Now: r.Now, Timeout: r.RequestTimeout}
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// httpClient is the caller's client, or a bounded one: no consent waits on
// the network for ever.
func (r *Runner) httpClient() *http.Client {
	if r.HTTP != nil {
		return r.HTTP
	}
	return httpclient.New(httpclient.Config{Overall: r.RequestTimeout})
}
