package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// answerLines runs the accessible wizard with stdin from a pipe-like reader.
func answerLines(t *testing.T, store *fakeStore, d *draft, input string) (string, error) {
	t.Helper()
	return answerLinesWith(t, deps{profiles: store, drafts: store}, d, input)
}

// answerLinesWith is answerLines with more of the wizard's dependencies.
func answerLinesWith(t *testing.T, dp deps, d *draft, input string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	dp.now, dp.target = func() time.Time { return fixedNow }, atlassianTarget()
	err := runLines(newWizard(dp, d), newPrompter(context.Background(), strings.NewReader(input), &out))
	return out.String(), err
}

func TestAccessibleNewProfileOverAPipe(t *testing.T) {
	store := newFakeStore(fixedNow)
	out, err := answerLines(t, store, nil, strings.Join([]string{
		"",             // 2 name: the guide's default
		"",             // 2 app: create a new one
		"", "", "", "", // 3-6: checkpoints and the app name
		"http://localhost/cb",              // 7: no port, refused
		"",                                 // 7: the default
		"",                                 // 7: saved as the Callback URL
		"9",                                // 8: no such preset: read as a scope, refused
		"1",                                // 8: read-only preset
		"aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", // 9: client ID, then the secret needs a terminal
	}, "\n")+"\n")
	if err == nil || !strings.Contains(err.Error(), "only be typed at a terminal") {
		t.Fatalf("a secret from a pipe must be refused, got %v", err)
	}
	for _, want := range []string{
		"Step 2 of 12: Type & name", "Step 7 of 12: Redirect URL", "Error: Add a port",
		"Step 8 of 12: Permissions", "REST API v2 refuses classic scopes", "Tick these in the console:", "Step 9 of 12: Credentials",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("accessible output must be plain text, without escape sequences")
	}
	if len(store.profiles) != 0 {
		t.Error("nothing may be saved when the wizard stops early")
	}
}

func TestAccessibleEditKeepsTheSecretAndSaves(t *testing.T) {
	p, sec := savedProfile("Confluence prod")
	store := newFakeStore(fixedNow, p)
	store.secrets[p.Name] = sec
	// Step 2 renames; every other answer keeps what is there (3, 4, 6 and
	// 7's box are done in edit mode but still asked), and n keeps the secret.
	lines := []string{"Confluence production", "", "", "", "", "", "", "", "", "n", "", "", "", "", "", ""}
	input := strings.Join(lines, "\n") + "\n"
	out, err := answerLines(t, store, editDraft(p, sec), input)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	saved, savedSec, ok := store.saved("Confluence production")
	if !ok || savedSec.ClientSecret != sec.ClientSecret || saved.ClientID != p.ClientID {
		t.Fatalf("edit not saved as expected: %+v\n%s", saved, out)
	}
	if !strings.Contains(out, `authwiz login "Confluence production"`) {
		t.Errorf("the way on is told:\n%s", out)
	}
}

func TestAccessibleBack(t *testing.T) {
	store := newFakeStore(fixedNow)
	// 2 (name and app), 3, then back from 4 and from 3.
	out, err := answerLines(t, store, nil, "\n\n\nback\nback\n")
	if strings.Count(out, "Step 3 of 12") != 2 || strings.Count(out, "Step 2 of 12") != 2 {
		t.Errorf("back returns to the previous step:\n%s", out)
	}
	if err == nil || !strings.Contains(err.Error(), "the input ended") {
		t.Errorf("running out of input is said plainly: %v", err)
	}
}

// Step 3 in line mode gives the console's address (there is nothing to
// open it with) and names what is being confirmed; a taken port at step 7
// is said there, with a free one offered, not left to fail at step 12.
func TestAccessibleConsoleLinkAndTakenPort(t *testing.T) {
	store := newFakeStore(fixedNow)
	ports := &fakePorts{busy: map[string]bool{defaultRedirectURL: true}, free: 47614}
	out, _ := answerLinesWith(t, deps{profiles: store, drafts: store, ports: ports}, nil, strings.Join([]string{
		"", "", // 2 name and a new app
		"", "", "", "", // 3-6
		"",  // 7: the default URL, whose port is taken
		"y", // 7: take the free one
		"",  // 7: saved in the console
	}, "\n")+"\n")
	for _, want := range []string{
		"Developer Console: https://developer.atlassian.com/console/myapps/",
		"I am logged in and see My apps: press Enter once this is done",
		"port 47613 is already taken by another program",
		"Use http://localhost:47614/callback instead?",
		"The port is free",
		"Step 8 of 12: Permissions",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, key := range []string{"(c copies it)", "o opens", "ctrl+r", "tick the box"} {
		if strings.Contains(out, key) {
			t.Errorf("line mode mentions %q, which it has no key for:\n%s", key, out)
		}
	}
}

// A new profile in line mode offers the unfinished draft once, before step
// 2, as the screen does there: y resumes it where it was left, n starts a
// new one and keeps the draft.
func TestAccessibleNewOffersTheSavedDraft(t *testing.T) {
	offer := `Resume the unfinished "Half done" (step 5)? y/n`
	half := profile.Draft{Step: 5, Profile: profile.Profile{Name: "Half done", AppName: "My app"}}

	store := newFakeStore(fixedNow)
	store.draft = &half
	out, _ := answerLines(t, store, newDraft(nil, atlassianEndpoints), "y\n")
	if strings.Count(out, offer) != 1 || !strings.Contains(out, "Step 5 of 12") || strings.Contains(out, "Step 2 of 12") {
		t.Fatalf("y does not resume at step 5:\n%s", out)
	}
	if !strings.Contains(out, "App name [My app]") {
		t.Errorf("the resumed step lacks the draft's values:\n%s", out)
	}

	store = newFakeStore(fixedNow)
	store.draft = &half
	out, _ = answerLines(t, store, nil, "n\n\n\nback\nback\n")
	if strings.Count(out, offer) != 1 || !strings.Contains(out, "Step 2 of 12") {
		t.Fatalf("n does not start a new profile, or the offer comes back with back:\n%s", out)
	}
	if store.draft == nil {
		t.Fatal("starting a new one threw the draft away")
	}
}

// The draft of an edit resumes on the saved profile, keeps its secret, and
// goes once the profile is saved.
func TestAccessibleResumedEditDraftGoesOnceSaved(t *testing.T) {
	p, sec := savedProfile("Confluence prod")
	store := newFakeStore(fixedNow, p)
	store.secrets[p.Name] = sec
	renamed := p
	renamed.Name = "Confluence production"
	store.draft = &profile.Draft{Step: 11, EditOf: p.Name, Profile: renamed}
	// y resumes on step 11; Enter keeps its scopes, then saves.
	out, err := answerLines(t, store, nil, "y\n\n\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, savedSec, ok := store.saved("Confluence production"); !ok || savedSec.ClientSecret != sec.ClientSecret {
		t.Fatalf("the resumed edit was not saved with its secret:\n%s", out)
	}
	if store.draft != nil {
		t.Fatal("the resumed draft is still there after the save")
	}
}
