package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// savedMsg reports saving the profile on step 12.
type savedMsg struct {
	profile profile.Profile
	err     error
}

// checkAll validates every step before saving, so a value changed and
// never re-checked (jumping around in edit mode) cannot slip through. It
// returns the problems, or applies every step's cleaned values.
func (w *wizard) checkAll() []string {
	var problems []string
	var apply []func(*draft)
	for i := 1; i < len(w.steps)-1; i++ {
		v := w.steps[i].validate(w)
		if v.err != "" {
			problems = append(problems, fmt.Sprintf("Step %d (%s): %s", i+1, w.steps[i].title(), v.err))
		}
		if v.apply != nil {
			apply = append(apply, v.apply)
		}
	}
	if len(problems) == 0 {
		for _, a := range apply {
			a(w.draft)
		}
	}
	return problems
}

// saveCmd writes the draft: a new profile is created; an edited one is
// updated in place, so its sites and creation time stay and a rename keeps
// everything else. Changes the tokens were not granted for mark them stale.
func saveCmd(store profileStore, d draft) tea.Cmd {
	p := d.Profile
	p.Type = profile.TypeOAuth2
	stale := len(d.staleReasons()) > 0
	return func() tea.Msg {
		if d.EditOf == "" {
			err := store.Create(p, profile.Secrets{ClientSecret: d.secret()})
			if err != nil {
				err = fmt.Errorf("save profile %q: %w", p.Name, err)
			}
			return savedMsg{profile: p, err: err}
		}
		var saved profile.Profile
		err := store.Update(d.EditOf, func(sp *profile.Profile, sec *profile.Secrets) error {
			sp.Name, sp.Type, sp.AppName, sp.RedirectURL = p.Name, p.Type, p.AppName, p.RedirectURL
			sp.ClientID, sp.AuthURL, sp.TokenURL, sp.APIBaseURL = p.ClientID, p.AuthURL, p.TokenURL, p.APIBaseURL
			sp.Scopes = append([]string(nil), p.Scopes...)
			sp.TokensStale = sp.TokensStale || stale
			if d.Secret != "" {
				sec.ClientSecret = d.Secret
			}
			saved = *sp
			return nil
		})
		if err != nil {
			err = fmt.Errorf("save profile %q: %w", d.EditOf, err)
		}
		return savedMsg{profile: saved, err: err}
	}
}

// saved makes the wizard continue as an edit of what was just saved, so a
// second save updates it and quitting loses nothing.
func (w *wizard) saved(p profile.Profile) tea.Cmd {
	d := w.draft
	w.start.profiles = upsertProfile(w.start.profiles, d.EditOf, p)
	d.KeptSecret, d.Secret = d.secret(), ""
	d.EditOf, d.Original, d.Profile = p.Name, p, p
	d.Profile.Scopes = append([]string(nil), p.Scopes...)
	w.baseline = *d
	if !w.resumedDraft {
		return nil
	}
	w.resumedDraft, w.start.resumable = false, nil
	drafts := w.deps.drafts
	return func() tea.Msg { _ = drafts.DeleteDraft(); return nil }
}

// upsertProfile replaces the profile called old (before a rename) with p,
// or adds p when it is new.
func upsertProfile(list []profile.Profile, old string, p profile.Profile) []profile.Profile {
	for i := range list {
		if old != "" && list[i].Name == old {
			list[i] = p
			return list
		}
	}
	return append(list, p)
}
