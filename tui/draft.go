package tui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
)

// The guide's defaults, kept in the profile package so the wizard and
// `authwiz new --no-input` start from the same values.
const (
	defaultProfileName = profile.DefaultName
	defaultAppName     = profile.DefaultAppName
	defaultRedirectURL = profile.DefaultRedirectURL
)

// draft is the wizard's single source of truth: every input is bound to a
// field here, and saving writes exactly this.
type draft struct {
	Profile profile.Profile
	// Secret is a client secret typed in this run; empty in edit mode means
	// "keep the saved one" (KeptSecret).
	Secret     string
	KeptSecret string
	// EditOf names the saved profile being edited; empty for a new one.
	EditOf string
	// Original is the saved profile as loaded, to tell which changes make
	// its tokens stale.
	Original profile.Profile
	// Confirmed holds the console checkpoints ticked.
	Confirmed map[stepID]bool
	// OfflineRemoved remembers that the admin took offline_access out, so
	// picking scopes again does not quietly put it back.
	OfflineRemoved bool
	// HandPicked are the scopes ticked one by one on step 8, which applying
	// a preset keeps.
	HandPicked []string
	// ExistingApp: the app was created already (by the organisation or a
	// vendor), so the console steps that create it are skipped.
	ExistingApp bool
	// ImportPath is the settings file typed on step 2; ImportedFrom is the
	// one the app's values came from (importedByCommand() for `authwiz
	// new --from`), empty when nothing was imported.
	ImportPath, ImportedFrom string
}

// importedByCommand is where settings handed over by `authwiz new --from`
// came from, said in place of a path the wizard was not told.
func importedByCommand() string { return "the file given to " + programCommand("new --from") }

// useExistingApp says whether the app exists already. Its console steps
// are then done by whoever created it: they count as ticked, and skipped.
func (d *draft) useExistingApp(on bool) {
	d.ExistingApp = on
	for _, id := range consoleSteps {
		d.Confirmed[id] = on
	}
}

// skips: the draft has no use for step id.
func (d *draft) skips(id stepID) bool { return d.ExistingApp && slices.Contains(consoleSteps, id) }

// importApp takes an existing app's settings; a value the file leaves
// out keeps the one the draft has.
func (d *draft) importApp(in setup.Input, from string) {
	p := &d.Profile
	for _, f := range []struct {
		to   *string
		from string
	}{{&p.AppName, in.AppName}, {&p.ClientID, in.ClientID}, {&p.RedirectURL, in.RedirectURL},
		{&p.AuthURL, in.AuthURL}, {&p.TokenURL, in.TokenURL}, {&p.APIBaseURL, in.APIBaseURL}} {
		if f.from != "" {
			*f.to = f.from
		}
	}
	if len(in.Scopes) > 0 {
		p.Scopes = slices.Clone(in.Scopes)
		d.OfflineRemoved = !slices.Contains(in.Scopes, atlassian.OfflineAccess)
	}
	d.ImportedFrom = from
	if from != importedByCommand() {
		d.ImportPath = from
	}
	d.useExistingApp(true)
}

// newDraft is a fresh profile with the guide's defaults and the server's
// endpoints, its name made unique among taken.
func newDraft(taken []string, ep endpoints) *draft {
	d := &draft{
		Profile: profile.Profile{
			Name:        uniqueName(defaultProfileName, taken),
			Type:        profile.TypeOAuth2,
			AppName:     defaultAppName,
			RedirectURL: defaultRedirectURL,
		},
		Confirmed: map[stepID]bool{},
	}
	ep.apply(&d.Profile)
	return d
}

// editDraft opens a saved profile; every console checkpoint counts as done,
// since the app exists already.
func editDraft(p profile.Profile, sec profile.Secrets) *draft {
	// EditOf keeps the name as stored, to find the profile by; what is
	// shown and edited is cleaned.
	d := &draft{Profile: cleanProfile(p), KeptSecret: sec.ClientSecret, EditOf: p.Name, Original: cleanProfile(p), Confirmed: map[stepID]bool{}}
	for _, id := range checkpointSteps {
		d.Confirmed[id] = true
	}
	d.OfflineRemoved = len(d.Profile.Scopes) > 0 && !slices.Contains(d.Profile.Scopes, atlassian.OfflineAccess)
	return d
}

// uniqueName returns base, or base with the lowest free " (n)" suffix.
func uniqueName(base string, taken []string) string {
	name := base
	for n := 2; slices.ContainsFunc(taken, func(t string) bool { return strings.EqualFold(t, name) }); n++ {
		name = base + " (" + strconv.Itoa(n) + ")"
	}
	return name
}

// consoleScopes are the chosen scopes the admin ticks in the console:
// everything but offline_access, which only goes in the request.
func (d *draft) consoleScopes() []string { return setup.ConsoleScopes(d.Profile.Scopes) }

// toggleScope adds or removes one console scope, ticked by hand.
func (d *draft) toggleScope(scope string) {
	d.HandPicked = slices.DeleteFunc(d.HandPicked, func(s string) bool { return s == scope })
	if i := slices.Index(d.Profile.Scopes, scope); i >= 0 {
		d.Profile.Scopes = slices.Delete(d.Profile.Scopes, i, i+1)
		return
	}
	d.HandPicked = append(d.HandPicked, scope)
	d.setConsoleScopes(append(d.consoleScopes(), scope))
}

// applyPreset makes the preset's scopes the console scopes, plus those
// ticked by hand that it lacks: a preset chosen after picking scopes one by
// one must not silently drop them. It returns the ones it kept.
func (d *draft) applyPreset(scopes []string) (kept []string) {
	for _, s := range d.HandPicked {
		if !slices.Contains(scopes, s) && slices.Contains(d.Profile.Scopes, s) {
			kept = append(kept, s)
		}
	}
	d.setConsoleScopes(append(slices.Clone(scopes), kept...))
	return kept
}

// setConsoleScopes replaces the console scopes, once each, with
// offline_access as the one rule says.
func (d *draft) setConsoleScopes(scopes []string) {
	var once []string
	for _, s := range scopes {
		if !slices.Contains(once, s) {
			once = append(once, s)
		}
	}
	d.Profile.Scopes = setup.RequestScopes(once, d.OfflineRemoved)
}

// input is the draft as the rules for a complete profile take it.
func (d *draft) input(taken []string) setup.Input {
	p := d.Profile
	return setup.Input{
		Name: p.Name, AppName: p.AppName, ClientID: p.ClientID, RedirectURL: p.RedirectURL,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, APIBaseURL: p.APIBaseURL, Scopes: p.Scopes,
		Secret: d.Secret, KeptSecret: d.KeptSecret, Taken: taken, EditOf: d.EditOf,
	}
}

// staleReasons lists the changes since the saved profile that the current
// tokens were not granted for. Empty for a new profile.
func (d *draft) staleReasons() []string {
	if d.EditOf == "" {
		return nil
	}
	var why []string
	if d.Profile.ClientID != d.Original.ClientID {
		why = append(why, "client ID")
	}
	if d.Secret != "" && d.Secret != d.KeptSecret {
		why = append(why, "client secret")
	}
	if d.Profile.RedirectURL != d.Original.RedirectURL {
		why = append(why, "Redirect URL")
	}
	if !sameSet(d.Profile.Scopes, d.Original.Scopes) {
		why = append(why, "scopes")
	}
	return why
}

// secret is the client secret that will be saved.
func (d *draft) secret() string {
	if d.Secret != "" {
		return d.Secret
	}
	return d.KeptSecret
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
