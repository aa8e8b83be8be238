package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// openIntent is what the admin wants to do with a saved profile.
type openIntent int

const (
	openEdit openIntent = iota
	openReauth
	openResume
)

// profileOpenedMsg carries a saved profile read for editing, a new
// consent, or resuming a draft of an edit.
type profileOpenedMsg struct {
	name    string
	intent  openIntent
	profile profile.Profile
	secrets profile.Secrets
	resume  *profile.Draft
	err     error
}

// openProfile reads a saved profile with its secrets, in the background.
func openProfile(c *stepContext, name string, intent openIntent) tea.Cmd {
	store := c.deps.profiles
	return func() tea.Msg {
		p, sec, err := store.Get(name)
		return profileOpenedMsg{name: name, intent: intent, profile: p, secrets: sec, err: err}
	}
}

// resumeDraft reopens a draft put aside on quitting. A draft of an edit
// needs the saved profile too, for its secret and to spot stale tokens.
func resumeDraft(c *stepContext, saved profile.Draft) tea.Cmd {
	if saved.EditOf == "" {
		d := newDraft(profile.Names(c.saved.profiles), c.target.endpoints)
		d.Profile = cleanProfile(saved.Profile)
		d.Profile.Type = profile.TypeOAuth2
		at := resumeAt(stepNumbered(saved.Step), true)
		for _, id := range checkpointSteps {
			d.Confirmed[id] = id <= at
		}
		if saved.ExistingApp {
			d.useExistingApp(true)
		}
		return c.fx.begin(d, at, beginning{resumed: true, baseline: newDraft(nil, c.target.endpoints)})
	}
	store := c.deps.profiles
	return func() tea.Msg {
		p, sec, err := store.Get(saved.EditOf)
		return profileOpenedMsg{name: saved.EditOf, intent: openResume, profile: p, secrets: sec, resume: &saved, err: err}
	}
}

// opened moves into the wizard with a profile read from the store.
func (s *startStep) opened(c *stepContext, msg profileOpenedMsg) tea.Cmd {
	if msg.err != nil {
		s.err = fmt.Sprintf("Could not open %q: %v", msg.name, msg.err)
		return nil
	}
	d := editDraft(msg.profile, msg.secrets)
	switch msg.intent {
	case openReauth:
		return c.fx.begin(d, stepSave, beginning{consent: true})
	case openResume:
		baseline := editDraft(msg.profile, msg.secrets)
		d.Profile = cleanProfile(msg.resume.Profile)
		return c.fx.begin(d, resumeAt(stepNumbered(msg.resume.Step), false), beginning{resumed: true, baseline: baseline})
	}
	return c.fx.begin(d, firstProfileStep, beginning{})
}
