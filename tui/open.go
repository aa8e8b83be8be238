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
func openProfile(w *wizard, name string, intent openIntent) tea.Cmd {
	store := w.deps.profiles
	return func() tea.Msg {
		p, sec, err := store.Get(name)
		return profileOpenedMsg{name: name, intent: intent, profile: p, secrets: sec, err: err}
	}
}

// resumeDraft reopens a draft put aside on quitting. A draft of an edit
// needs the saved profile too, for its secret and to spot stale tokens.
func resumeDraft(w *wizard, d profile.Draft) tea.Cmd {
	w.resumedDraft = true
	if d.EditOf == "" {
		nd := newDraft(profile.Names(w.start.profiles), w.defaultEndpoints())
		nd.Profile = d.Profile
		nd.Profile.Type = profile.TypeOAuth2
		// The secret never went into the draft: past Credentials, resume
		// there, so it is asked for before anything else.
		at := min(resumeIndex(d.Step), credentialsIndex)
		for _, n := range consoleSteps {
			nd.Confirmed[n] = n <= at
		}
		w.open(nd, at)
		w.baseline = *newDraft(nil, w.defaultEndpoints())
		return w.step().enter(w)
	}
	store := w.deps.profiles
	return func() tea.Msg {
		p, sec, err := store.Get(d.EditOf)
		return profileOpenedMsg{name: d.EditOf, intent: openResume, profile: p, secrets: sec, resume: &d, err: err}
	}
}

// credentialsIndex is the index of step 9, where the secret is typed.
const credentialsIndex = 8

// resumeIndex is the step index to resume at: a saved step number, kept
// between Type & name and Scopes (step 12 needs the secret re-checked).
func resumeIndex(stepNumber int) int { return max(1, min(stepNumber-1, 10)) }

// opened moves into the wizard with a profile read from the store.
func (s *startStep) opened(w *wizard, msg profileOpenedMsg) tea.Cmd {
	if msg.err != nil {
		s.err = fmt.Sprintf("Could not open %q: %v", msg.name, msg.err)
		return nil
	}
	d := editDraft(msg.profile, msg.secrets)
	switch msg.intent {
	case openReauth:
		w.open(d, len(w.steps)-1)
		w.autoConsent = true
	case openResume:
		w.open(d, resumeIndex(msg.resume.Step))
		d.Profile = msg.resume.Profile
	default:
		w.open(d, 1)
	}
	return w.step().enter(w)
}
