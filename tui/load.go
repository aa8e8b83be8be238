package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// started takes in what loadStart read. A new profile whose name nobody
// touched yet gets a default name unique among the saved ones.
func (w *wizard) started(sd startData) tea.Cmd {
	w.start = sd
	d := w.draft
	renamed := false
	if d.EditOf == "" && d.Profile.Name == w.baseline.Profile.Name {
		unique := uniqueName(d.Profile.Name, profile.Names(sd.profiles))
		renamed = unique != d.Profile.Name
		d.Profile.Name, w.baseline.Profile.Name = unique, unique
	}
	// `authwiz new` skips the start screen, which offers a saved draft:
	// step 2 offers it instead, while nothing is typed yet.
	if sd.resumable != nil && w.cur == firstProfileStep && d.EditOf == "" && !w.unsaved() && sd.resumableHere(*sd.resumable) {
		w.offered = sd.resumable
		w.notice = notice{text: fmt.Sprintf("An unfinished %q (step %d) is saved: %s resumes it; going on starts a new one "+
			"and keeps the draft.", validate.Sanitize(sd.resumable.Profile.Name), sd.resumable.Step, w.keys.ResumeOffered.Help().Key)}
	}
	// Entering again shows the list, or the new name; step 2 is left alone
	// otherwise, so where the admin is on it stays.
	if w.cur == stepStart || w.cur == firstProfileStep && renamed {
		return w.step().enter(w.ctx())
	}
	return nil
}

// sharedOf finds the profiles whose grant lives in a shared store.
func sharedOf(shared func(string) (launch.SharedGrant, bool, error), profiles []profile.Profile) (map[string]launch.SharedGrant, error) {
	found := map[string]launch.SharedGrant{}
	if shared == nil {
		return found, nil
	}
	for _, p := range profiles {
		g, ok, err := shared(p.Name)
		if err != nil {
			return found, err
		}
		if ok {
			found[p.Name] = g
		}
	}
	return found, nil
}

// loadStart reads the saved profiles and a draft to resume, once.
func (w *wizard) loadStart() tea.Cmd {
	profiles, drafts, shared := w.deps.profiles, w.deps.drafts, w.deps.shared
	return func() tea.Msg {
		var sd startData
		var err error
		if sd.profiles, err = profiles.List(); err != nil {
			sd.problems = append(sd.problems, fmt.Sprintf("The saved profiles cannot be read: %v", err))
		}
		sd.problems = append(sd.problems, profiles.HandEdits()...)
		sd.shared, sd.sharedErr = sharedOf(shared, sd.profiles)
		if sd.sharedErr != nil {
			sd.problems = append(sd.problems, fmt.Sprintf("Which profiles are shared cannot be told (%v), so none is opened here; "+
				"fix or remove that file, or use the commands, which say the same.", sd.sharedErr))
		}
		d, ok, err := drafts.LoadDraft()
		switch {
		case err != nil:
			sd.problems = append(sd.problems, fmt.Sprintf("The unfinished draft cannot be read (%v); it is left as it is.", err))
		case ok:
			sd.resumable = &d
		}
		sd.loaded = true
		return sd
	}
}
