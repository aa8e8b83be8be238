package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestStartScreenReadsNoSecrets(t *testing.T) {
	names := make([]string, 500)
	for i := range names {
		names[i] = fmt.Sprintf("Profile %03d", i)
	}
	h := newHarness(t, withSaved(names...))
	h.wantScreen("Profile 000", "valid", "of 501 rows")
	if strings.Contains(h.screen(), "Profile 100") {
		t.Fatal("rows beyond the window are rendered")
	}
	h.press("end")
	h.wantScreen("Profile 499")
	if n := len(h.store.gets); n != 0 {
		t.Fatalf("the start screen read %d profiles' secrets; the token state comes with the list", n)
	}
}

func TestStartScreenShowsTokenStates(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"), withExpired("Confluence old"))
	h.wantScreen("Confluence prod", "valid", "Confluence old", "needs consent (expired)")
}

func TestDeleteAProfileAfterConfirming(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod", "Confluence test"))
	h.press("down", "d")
	h.wantText(`Delete "Confluence prod"`)
	h.press("n")
	if _, _, ok := h.store.saved("Confluence prod"); !ok {
		t.Fatal("deleted although the admin said no")
	}
	h.press("d", "y")
	if _, _, ok := h.store.saved("Confluence prod"); ok {
		t.Fatal("not deleted")
	}
	if strings.Contains(h.screen(), "Confluence prod") {
		t.Fatal("still listed")
	}
	h.wantScreen("Confluence test")
}

func TestNewProfileNameIsUnique(t *testing.T) {
	h := newHarness(t, withSaved(defaultProfileName))
	h.press("enter")
	h.wantScreen("> " + defaultProfileName + " (2)")
	h.press("enter")
	h.wantStep(3)
}

func TestFirstFrameComesBeforeTheProfilesAreRead(t *testing.T) {
	store := newFakeStore(fixedNow)
	w := newWizard(deps{profiles: store, drafts: store, now: func() time.Time { return fixedNow }, target: atlassianTarget()}, nil)
	if len(store.gets) != 0 {
		t.Fatal("the store was read before the first frame")
	}
	if s := w.View().Content; !strings.Contains(s, "Reading saved profiles…") || !strings.Contains(s, "New authentication") {
		t.Fatalf("first frame:\n%s", s)
	}
}

func TestNewFromTheCommandLineGetsAUniqueName(t *testing.T) {
	h := newHarness(t, withSaved(defaultProfileName), func(_ *harness, d **draft) { *d = newDraft(nil, atlassianEndpoints) })
	h.wantStep(2)
	h.wantScreen("> " + defaultProfileName + " (2)")
}

func TestNewChosenBeforeTheProfilesAreReadStillStarts(t *testing.T) {
	store := newFakeStore(fixedNow)
	p, sec := savedProfile(defaultProfileName)
	store.profiles, store.secrets[p.Name] = append(store.profiles, p), sec
	w := newWizard(deps{profiles: store, drafts: store, now: func() time.Time { return fixedNow }, target: atlassianTarget()}, nil)
	load := w.loadStart()
	w.Update(keyPress("enter")) // before the profiles arrive
	if w.cur != stepStart {
		t.Fatal("started before the names were known")
	}
	w.Update(load())
	if w.cur != stepName || w.draft.Profile.Name != defaultProfileName+" (2)" {
		t.Fatalf("on step %d with name %q", w.cur.number(), w.draft.Profile.Name)
	}
}

// Keys added to the files by hand, which the next save drops, are said on
// the start screen: the command line leaves them to it, so the first frame
// waits for no file.
func TestStartScreenSaysWhichHandAddedKeysASaveDrops(t *testing.T) {
	warning := "profiles.toml line 3: authwiz does not know the key owner and will not keep it at the next change"
	h := newHarness(t, func(h *harness, _ **draft) { h.store.handEdits = []string{warning} })
	h.wantText(warning)
}
