package tui

import (
	"errors"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
)

func TestQuitAtOnceWhenNothingWouldBeLost(t *testing.T) {
	h := newHarness(t)
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c on the start screen did not quit")
	}
	h = newHarness(t, editing("Confluence prod"))
	h.jumpTo(7)
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c with an unchanged saved profile did not quit")
	}
}

func TestQuitWithChangesAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.walkTo(4)
	h.press("ctrl+c")
	if h.quit {
		t.Fatal("quit without asking")
	}
	h.wantText("Quit with unsaved changes?", "Drafts never hold the client secret")
	h.press("esc")
	h.wantStep(4)
	h.press("space", "enter") // keeps working after the dialog closes
	h.wantStep(5)
	h.press("ctrl+c", "q")
	if !h.quit {
		t.Fatal("q in the dialog did not quit")
	}
	if h.store.draft != nil {
		t.Fatal("a draft was saved although the admin threw the changes away")
	}
}

func TestQuitSavesADraftWithoutTheSecret(t *testing.T) {
	h := newHarness(t)
	h.walkTo(10)
	h.press("ctrl+c", "s")
	if !h.quit {
		t.Fatal("saving the draft did not quit")
	}
	d := h.store.draft
	if d == nil {
		t.Fatal("no draft saved")
	}
	if d.Step != 10 || d.Profile.ClientID != testClientID || d.EditOf != "" {
		t.Fatalf("draft = step %d, client ID %q, edit of %q", d.Step, d.Profile.ClientID, d.EditOf)
	}
	if h.w.outcome == "" {
		t.Fatal("nothing tells the admin the draft was saved")
	}
}

func TestDraftSaveFailureIsShownAndQuitStillPossible(t *testing.T) {
	h := newHarness(t)
	h.walkTo(4)
	h.store.failDraft = errors.New("disk full")
	h.press("ctrl+c", "s")
	if h.quit {
		t.Fatal("quit although the draft was not saved")
	}
	h.wantScreen("Could not save the draft", "disk full")
	h.press("q")
	if !h.quit {
		t.Fatal("could not quit after the failure")
	}
}

func TestResumeADraft(t *testing.T) {
	saved := profile.Draft{Step: 11, Profile: profile.Profile{
		Name: "Half done", AppName: "My app", RedirectURL: "http://localhost:47000/callback",
		ClientID: testClientID, AuthURL: "https://auth.atlassian.com/authorize",
		TokenURL: "https://auth.atlassian.com/oauth/token", APIBaseURL: profile.DefaultAPIBaseURL,
		Scopes: []string{"read:confluence-content.all", "offline_access"},
	}}
	h := newHarness(t, withResumable(saved))
	h.wantScreen(`Resume the unfinished "Half done" (step 11)`)
	h.press("enter")
	h.wantStep(9) // the secret is not in the draft: it is asked for first
	h.wantScreen(testClientID)
	h.press("enter", "enter") // the secret was never in the draft: it is asked for
	h.wantStep(9)
	h.paste(testSecret)
	h.press("enter", "enter", "enter", "enter", "enter", "enter")
	h.wantStep(12)
	h.wantStep(12)
	p, sec, ok := h.store.saved("Half done")
	if !ok || p.RedirectURL != "http://localhost:47000/callback" || sec.ClientSecret != testSecret {
		t.Fatalf("saved %+v (found %v)", p, ok)
	}
	if h.store.draft != nil {
		t.Fatal("the resumed draft is still there after saving the profile")
	}
}

func TestDiscardADraft(t *testing.T) {
	h := newHarness(t, withResumable(profile.Draft{Step: 3, Profile: profile.Profile{Name: "Half done"}}))
	h.press("x")
	if h.store.draft != nil || h.w.start.resumable != nil {
		t.Fatal("the draft is still there")
	}
	h.wantScreen("› + New authentication")
}

func TestEditsLeftBehindOnTheStartScreenStillAsk(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"))
	h.press("down", "enter")
	h.typeText(" 2")
	h.press("esc")
	h.wantStep(1)
	h.press("ctrl+c")
	if h.quit {
		t.Fatal("quit without asking although the rename was not saved")
	}
	h.wantScreen("Quit with unsaved changes?")
}

func TestResumeADraftOfAnEdit(t *testing.T) {
	p, _ := savedProfile("Confluence prod")
	changed := p
	changed.Name, changed.Scopes = "Confluence production", []string{"read:confluence-user", "offline_access"}
	h := newHarness(t, withSaved("Confluence prod"), withResumable(profile.Draft{Step: 11, EditOf: p.Name, Profile: changed}))
	h.press("enter")
	h.wantStep(11)
	h.wantScreen("> read:confluence-user offline_access") // the field shows the draft, not the saved profile
	if h.w.draft.KeptSecret != testSecret || h.w.draft.Profile.Name != "Confluence production" {
		t.Fatalf("draft: name %q, secret kept %v", h.w.draft.Profile.Name, h.w.draft.KeptSecret == testSecret)
	}
	h.press("ctrl+c")
	h.wantScreen("Quit with unsaved changes?") // the draft's changes are not saved yet
	h.press("esc")
	h.jumpTo(12)
	h.press("enter")
	if _, _, ok := h.store.saved("Confluence production"); !ok || h.store.draft != nil {
		t.Fatalf("saved under the new name %v, draft left %v", ok, h.store.draft != nil)
	}
}

func TestStartingAnotherRunAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.walkTo(10)
	for h.stepNumber() > 1 {
		h.press("esc")
	}
	h.press("enter") // + New authentication
	h.wantStep(1)
	h.wantText("Leave what you typed?", "d throw the changes away")

	h.press("esc")
	h.wantStep(10)
	if h.w.draft.Profile.ClientID != testClientID {
		t.Fatalf("going back lost the client ID: %q", h.w.draft.Profile.ClientID)
	}
	h.press("ctrl+c")
	h.wantText("Quit with unsaved changes?")
	h.press("esc")

	h.jumpTo(2)
	h.press("esc", "enter", "s")
	h.wantStep(2)
	if d := h.store.draft; d == nil || d.Profile.ClientID != testClientID || d.Step != 10 {
		t.Fatalf("the run was not kept as a draft: %+v", d)
	}
	if h.w.draft.Profile.ClientID != "" {
		t.Fatal("the new run kept the old client ID")
	}

	h.press("esc")
	h.wantScreen("Resume the unfinished")
	h.press("down", "enter") // + New authentication, with nothing typed since
	h.wantStep(2)

	h.walkTo(4)
	h.press("esc", "esc", "esc", "down", "enter", "d")
	h.wantStep(2)
	if h.w.reached != stepName {
		t.Fatalf("throwing the run away kept its progress: reached step %d", h.w.reached.number())
	}
}

// `authwiz new` skips the start screen, which offers a saved draft: step 2
// offers it instead, and going on starts a new run without losing it.
func TestNewOffersTheSavedDraft(t *testing.T) {
	saved := profile.Draft{Step: 5, Profile: profile.Profile{Name: "Half done", AppName: "My app"}}
	fresh := func(_ *harness, d **draft) { *d = newDraft(nil, atlassianEndpoints) }

	h := newHarness(t, withResumable(saved), fresh)
	h.wantStep(2)
	h.wantText(`An unfinished "Half done" (step 5) is saved: ctrl+o resumes it`)
	h.wantScreen("ctrl+o resume the draft")
	h.press("ctrl+o")
	h.wantStep(5)
	if h.w.draft.Profile.Name != "Half done" || h.w.draft.Profile.AppName != "My app" {
		t.Fatalf("resumed %+v", h.w.draft.Profile)
	}

	h = newHarness(t, withResumable(saved), fresh)
	h.press("enter")
	h.wantStep(3)
	h.press("ctrl+o")
	h.wantStep(3) // the offer ends once the admin goes on
	if h.store.draft == nil {
		t.Fatal("going on with a new run threw the saved draft away")
	}
}

// The draft of an edit, offered on step 2 of `authwiz new`, opens on its
// saved profile as it would from the start screen.
func TestNewResumesTheOfferedDraftOfAnEdit(t *testing.T) {
	p, _ := savedProfile("Confluence prod")
	renamed := p
	renamed.Name = "Confluence production"
	edit := profile.Draft{Step: 5, EditOf: p.Name, Profile: renamed}
	h := newHarness(t, withSaved(p.Name), withResumable(edit), func(_ *harness, d **draft) { *d = newDraft(nil, atlassianEndpoints) })
	h.wantStep(2)
	h.press("ctrl+o")
	h.wantStep(5)
	if h.w.draft.EditOf != p.Name || h.w.draft.Profile.Name != "Confluence production" {
		t.Fatalf("resumed as an edit of %q named %q", h.w.draft.EditOf, h.w.draft.Profile.Name)
	}
}

// A draft of an edit whose profile is gone says so on step 2.
func TestNewSaysWhenTheOfferedEditDraftCannotOpen(t *testing.T) {
	edit := profile.Draft{Step: 5, EditOf: "Gone", Profile: profile.Profile{Name: "Gone"}}
	h := newHarness(t, withResumable(edit), func(_ *harness, d **draft) { *d = newDraft(nil, atlassianEndpoints) })
	h.press("ctrl+o")
	h.wantStep(2)
	h.wantText(`Could not open "Gone"`)
}
