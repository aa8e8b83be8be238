package consent

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
)

// Attempt is one consent in progress for a saved profile.
type Attempt struct {
	runner  *Runner
	name    string
	profile profile.Profile
	session *oauthflow.Session
	http    *http.Client // for the API calls after the exchange
}

// Result is what a finished consent reached.
type Result struct {
	// Sites are all the sites the grant reaches; Site is the default, zero
	// when there are several and none was chosen before (ChooseSite).
	Sites []profile.Site
	Site  profile.Site
	// User names the account that consented, when Atlassian told us.
	User            string
	Granted         []string
	Missing         []string
	HasRefreshToken bool
	// Verified says what the check call after the consent saw.
	Verified string
}

// AuthURL is the consent page to open in the browser.
func (a *Attempt) AuthURL() string { return a.session.AuthURL() }

// Deadline is when the wait gives up.
func (a *Attempt) Deadline() time.Time { return a.session.Deadline() }

// RedirectURL is where Atlassian sends the browser back to.
func (a *Attempt) RedirectURL() string { return a.session.RedirectURL() }

// Listening is false when the Redirect URL is not on this computer; then
// only a pasted address can finish the consent.
func (a *Attempt) Listening() bool { return a.session.Listening() }

// Paste hands over the address the browser was sent to (or the code). An
// error says what to paste instead, and the wait goes on; when the paste
// is an Atlassian error page (its address or its words) the error is a
// *DiagnosedError with the cause and its fix.
func (a *Attempt) Paste(input string) error {
	if err := a.session.Paste(input); err != nil {
		return diagnosePaste(input, err)
	}
	return nil
}

// Close ends the attempt and frees the Redirect URL's port.
func (a *Attempt) Close() error { return a.session.Close() }

// Hint blocks until the wait looks stuck and then returns the usual
// causes, one a line; it returns false when the attempt ends first or ctx
// is done. No one cause is named: the error pages Atlassian stops on look
// alike and need different fixes.
func (a *Attempt) Hint(ctx context.Context) (string, bool) {
	if !a.session.WaitStalled(ctx) {
		return "", false
	}
	return "Nothing has come back yet. The usual causes:\n- " +
		strings.Join(atlassian.NoCallbackCauses(a.RedirectURL()), "\n- "), true
}

// Wait waits for the browser's answer (or a paste), exchanges the code,
// saves the tokens, then finds the sites they reach, checks one of them,
// and saves the sites and the default site. After the tokens are saved a
// failure still returns the Result gathered so far.
func (a *Attempt) Wait(ctx context.Context) (Result, error) {
	cb, err := a.session.Wait(ctx)
	if err != nil {
		return Result{}, diagnoseAnswer(err)
	}
	grant, err := a.session.Exchange(ctx, cb)
	if err != nil {
		return Result{}, err
	}
	if err := a.saveTokens(grant); err != nil {
		return Result{}, err
	}
	res := Result{Granted: grant.Granted, Missing: grant.Missing, HasRefreshToken: grant.Token.RefreshToken != ""}
	return a.reach(ctx, grant, res)
}

// saveTokens keeps the new grant straight away, so nothing after it can
// lose the tokens.
func (a *Attempt) saveTokens(grant oauthflow.Grant) error {
	tok, now := grant.Token, a.runner.now()
	err := a.runner.Store.Update(a.name, func(p *profile.Profile, sec *profile.Secrets) error {
		sec.AccessToken = tok.AccessToken
		sec.TokenType = tok.TokenType
		sec.Expiry = oauthflow.Expiry(tok, now)
		sec.RefreshToken = tok.RefreshToken
		sec.RefreshIssuedAt = time.Time{}
		if tok.RefreshToken != "" {
			sec.RefreshIssuedAt = now
		}
		// The 365-day limit and the token's lifetime count from now,
		// whether or not a refresh token came; what was remembered of
		// the previous grant's refresh token is about that grant.
		sec.ConsentedAt, sec.AccessIssuedAt = now, now
		sec.RefreshFailure, sec.RefreshFailedAt = "", time.Time{}
		sec.GrantedScopes = grant.Granted
		p.TokenAuthStyle = grant.TokenAuthStyle
		p.TokensStale = false
		return nil
	})
	if err != nil {
		return fmt.Errorf("save the tokens of profile %q: %w", a.name, err)
	}
	return nil
}

// defaultSite keeps the previous choice when the grant still reaches it,
// and otherwise picks the only site; with several it picks none.
func defaultSite(previous profile.Site, sites []profile.Site) profile.Site {
	for _, s := range sites {
		if previous.CloudID != "" && s.CloudID == previous.CloudID {
			return s
		}
	}
	if len(sites) == 1 {
		return sites[0]
	}
	return profile.Site{}
}
