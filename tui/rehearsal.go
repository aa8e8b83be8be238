package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/profile"
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

// rehearsal is set when the wizard walks the guide against the rehearsal
// server of `authwiz demo` instead of Atlassian.
type rehearsal struct {
	endpoints              endpoints
	clientID, clientSecret string
	// registerCallback does what Save changes on the console's
	// Authorization page does at step 7.
	registerCallback func(redirectURL string) error
	// tunnelCommand lets a browser elsewhere reach the rehearsal over SSH;
	// empty when not over SSH.
	tunnelCommand func(redirectURL string) string
}

// defaultEndpoints are the endpoints of the server the wizard works with.
func (w *wizard) defaultEndpoints() endpoints {
	if w.deps.rehearsal != nil {
		return w.deps.rehearsal.endpoints
	}
	return atlassianEndpoints
}

// registerCallback registers the Redirect URL with the rehearsal server as
// the admin leaves step 7 for the step at index next, the way they save it
// in the real console. The notice says so on that step.
func (w *wizard) registerCallback(next int) tea.Cmd {
	r := w.deps.rehearsal
	if r == nil {
		return nil
	}
	url := w.draft.Profile.RedirectURL
	return func() tea.Msg {
		if err := r.registerCallback(url); err != nil {
			return noticeMsg{next, notice{bad: true, text: "The rehearsal console did not take the Callback URL: " + err.Error()}}
		}
		return noticeMsg{next, notice{text: "Rehearsal: " + url + " is now the rehearsal app's Callback URL, as if you had saved it in the console."}}
	}
}

// rehearsalConsoleNote tells a rehearsing admin what to do with the steps
// that happen in the Developer Console, which the rehearsal has no copy of.
func rehearsalConsoleNote(w *wizard) string {
	if w.deps.rehearsal == nil {
		return ""
	}
	return "\n\nRehearsal: there is no console to open here. Read what you would do, then tick the box."
}
