package tui

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// endpoints are the authorization, token and API addresses a new profile
// starts with, and the reset key on step 10 puts back.
type endpoints struct{ auth, token, api string }

var atlassianEndpoints = endpoints{atlassian.DefaultAuthURL, atlassian.DefaultTokenURL, atlassian.DefaultAPIBaseURL}

func (e endpoints) apply(p *profile.Profile) {
	p.AuthURL, p.TokenURL, p.APIBaseURL = e.auth, e.token, e.api
}

func (e endpoints) match(p profile.Profile) bool {
	return p.AuthURL == e.auth && p.TokenURL == e.token && p.APIBaseURL == e.api
}

// target is the server the wizard sets profiles up for: Atlassian, or the
// rehearsal server of `authwiz demo`. It alone answers what differs
// between the two: the endpoints, the notes a rehearsal adds, the
// commands that name a profile, and the rehearsal console's effects.
type target struct {
	endpoints endpoints
	// rehearsal is nil for Atlassian.
	rehearsal *launch.Rehearsal
}

func atlassianTarget() target { return target{endpoints: atlassianEndpoints} }

func rehearsalTarget(r *launch.Rehearsal) target {
	if r == nil {
		return atlassianTarget()
	}
	return target{endpoints: endpoints{r.AuthURL, r.TokenURL, r.APIBaseURL}, rehearsal: r}
}

func (t target) rehearsing() bool { return t.rehearsal != nil }

// pick is real for Atlassian and rehearsal in a rehearsal.
func (t target) pick(real, rehearsal string) string {
	if t.rehearsing() {
		return rehearsal
	}
	return real
}

// note is text that only a rehearsal adds.
func (t target) note(text string) string { return t.pick("", text) }

// command is the command line that does verb to the profile called name;
// a rehearsal profile is named with --rehearsal.
func (t target) command(verb, name string) string {
	return profile.Command(verb+t.note(" --rehearsal"), name)
}

// programCommand is a command line of this program, spelled the way this
// run was started (profile.Program, which the command line sets): for
// commands that name no profile.
func programCommand(words string) string { return profile.Program + " " + words }

// registerCallback does what saving the Callback URL in the console does;
// for Atlassian the admin does it there, so nothing happens here.
func (t target) registerCallback(redirectURL string) (registered bool, err error) {
	if !t.rehearsing() {
		return false, nil
	}
	return true, t.rehearsal.RegisterCallback(redirectURL)
}

// tunnelCommand lets a browser elsewhere reach a rehearsal over SSH; empty
// when not rehearsing or not over SSH.
func (t target) tunnelCommand(redirectURL string) string {
	if !t.rehearsing() || t.rehearsal.TunnelCommand == nil {
		return ""
	}
	return t.rehearsal.TunnelCommand(redirectURL)
}

// ownEndpoint: value is the target's own address for a field, which is
// not the mistake "not Atlassian's" warns about.
func (t target) ownEndpoint(value string, of func(endpoints) string) bool {
	return t.rehearsing() && value == of(t.endpoints)
}

// endpointWarnings say where a profile's requests would really go, when
// that is not where the admin likely means them to: outside a rehearsal, a
// Token URL that is not Atlassian's receives the client secret; in a
// rehearsal, Atlassian's real addresses would take the consent to the real
// Atlassian, which has no rehearsal app.
func endpointWarnings(c *stepContext) []string {
	t, p := c.target, c.draft.Profile
	if t.rehearsing() {
		for _, u := range []string{p.AuthURL, p.TokenURL, p.APIBaseURL} {
			if onAtlassian(u) {
				return []string{"These endpoints include Atlassian's real ones: the consent and the rehearsal app's " +
					"Client ID and secret would go to the real Atlassian, which does not know the rehearsal app." +
					c.onScreen(" "+resetKey.Help().Key+" on step "+strconv.Itoa(stepEndpoints.number())+" puts the rehearsal's back.")}
			}
		}
		return nil
	}
	if !onAtlassian(p.TokenURL) {
		return []string{"The Token URL is not Atlassian's (" + validate.Sanitize(p.TokenURL) + "): authwiz sends the " +
			"client secret there with every token request. Keep it only for a server you run or trust."}
	}
	return nil
}

// onAtlassian: raw is an address on one of Atlassian's own hosts.
func onAtlassian(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "auth.atlassian.com" || host == "api.atlassian.com"
}
