package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
)

// savedMsg reports saving the profile on step 12.
type savedMsg struct {
	profile profile.Profile
	err     error
}

// checkAll applies the rules every saved profile meets (the same ones
// `authwiz new --no-input` applies) and the console checkpoints of a new
// profile, so a value changed and never re-checked (jumping around in
// edit mode) cannot slip through. Each problem names the step to fix it
// on; with none, the draft takes the cleaned values.
func checkAll(c *stepContext) []string {
	d := c.draft
	var problems []string
	for _, id := range checkpointSteps {
		if !d.Confirmed[id] {
			problems = append(problems, stepProblem(id, checkpointUnticked))
		}
	}
	res := setup.Check(d.input(profile.Names(c.saved.profiles)))
	for _, p := range res.Problems {
		problems = append(problems, stepProblem(fieldSteps[p.Field], p.Message))
	}
	if len(problems) > 0 {
		return problems
	}
	d.Profile = mergeChecked(d.Profile, res.Profile)
	if d.Secret != "" {
		d.Secret = res.Secret
	}
	return nil
}

// mergeChecked takes the cleaned fields of checked into p, keeping what
// the rules do not cover (sites, tokens, times).
func mergeChecked(p, checked profile.Profile) profile.Profile {
	p.Name, p.Type, p.AppName, p.RedirectURL = checked.Name, checked.Type, checked.AppName, checked.RedirectURL
	p.ClientID, p.AuthURL, p.TokenURL, p.APIBaseURL = checked.ClientID, checked.AuthURL, checked.TokenURL, checked.APIBaseURL
	p.Scopes = checked.Scopes
	return p
}

func stepProblem(id stepID, message string) string {
	return fmt.Sprintf("Step %d (%s): %s", id.number(), id.title(), message)
}

// saveCmd saves the draft in the background.
func saveCmd(store profileStore, d draft) tea.Cmd {
	return func() tea.Msg {
		p, err := saveProfile(store, d)
		return savedMsg{profile: p, err: err}
	}
}

// saveProfile writes the draft: a new profile is created; an edited one is
// updated in place, so its sites and creation time stay and a rename keeps
// everything else. Changes the tokens were not granted for mark them stale.
func saveProfile(store profileStore, d draft) (profile.Profile, error) {
	p := d.Profile
	p.Type = profile.TypeOAuth2
	if d.EditOf == "" {
		if err := store.Create(p, profile.Secrets{ClientSecret: d.secret()}); err != nil {
			return p, fmt.Errorf("save profile %q: %w", p.Name, err)
		}
		return p, nil
	}
	stale := len(d.staleReasons()) > 0
	var saved profile.Profile
	err := store.Update(d.EditOf, func(sp *profile.Profile, sec *profile.Secrets) error {
		*sp = mergeChecked(*sp, p)
		sp.Scopes = append([]string(nil), p.Scopes...)
		sp.TokensStale = sp.TokensStale || stale
		if d.Secret != "" {
			sec.ClientSecret = d.Secret
		}
		saved = *sp
		return nil
	})
	if err != nil {
		return saved, fmt.Errorf("save profile %q: %w", d.EditOf, err)
	}
	return saved, nil
}
