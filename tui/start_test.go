package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
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

// With more profiles than the window holds, the list shortens for the
// delete question, so the admin reads which profile y deletes.
func TestTheDeleteQuestionStaysInViewUnderALongList(t *testing.T) {
	names := make([]string, 30)
	for i := range names {
		names[i] = fmt.Sprintf("Profile %03d", i)
	}
	h := newHarness(t, withSaved(names...))
	h.resize(60, 20)
	h.press("end", "d")
	h.wantScreen("› Profile 029", `Delete "Profile 029" with its client secret`, "Console stays. y/n")
	h.press("n")
	h.wantScreen("› Profile 029")
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

// withShared makes the profiles called names shared, their grant in a
// store the start screen names without its password.
func withShared(names ...string) harnessOpt {
	return func(h *harness, d **draft) {
		withSaved(names...)(h, d)
		h.adjust = append(h.adjust, func(dp *deps) {
			dp.shared = func(name string) (launch.SharedGrant, bool, error) {
				if !slices.Contains(names, name) {
					return launch.SharedGrant{}, false, nil
				}
				return launch.SharedGrant{Store: "postgres://authwiz@db.example.com/authwiz",
					Instead: "bring the grant back with `authwiz unshare " + name + "`; to consent again, run `authwiz login " + name + " --reshare`"}, true, nil
			}
		})
	}
}

// A shared profile's tokens are in its store: the start screen says so
// instead of "needs consent", and neither edits it, nor consents for it,
// nor deletes only its local half, but says what to do.
func TestStartScreenKnowsSharedProfiles(t *testing.T) {
	h := newHarness(t, withShared("Shared conf"))
	h.wantScreen("Shared conf", "shared · db.example")
	if strings.Contains(h.screen(), "needs consent") {
		t.Fatal("a shared profile is said to need consent")
	}
	h.press("home", "down")
	h.wantScreen("enter what to do instead")
	if s := h.screen(); strings.Contains(s, "authenticate again") || strings.Contains(s, "d delete") {
		t.Fatalf("the help offers keys that do not act on a shared profile:\n%s", s)
	}
	for _, k := range []string{"enter", "e", "a"} {
		h.press("home", "down", k)
		if h.w.cur != stepStart {
			t.Fatalf("%s opened the shared profile on step %d", k, h.w.cur.number())
		}
		h.wantText("lives in the shared store postgres://authwiz@db.example.com/authwiz", "authwiz unshare Shared conf", "authwiz login Shared conf --reshare")
	}
	h.press("d")
	h.wantText(`authwiz delete "Shared conf"`)
	h.press("y")
	if _, _, ok := h.store.saved("Shared conf"); !ok {
		t.Fatal("the start screen deleted a shared profile's local half")
	}
}

// A profile that is not shared opens as before beside a shared one.
func TestStartScreenOpensLocalProfilesBesideSharedOnes(t *testing.T) {
	h := newHarness(t, withShared("Shared conf"), withSaved("Local conf"))
	h.wantScreen("Local conf", "valid")
	h.press("home", "down", "e") // the list is sorted: Local conf comes first
	h.wantStep(2)
}

// When which profiles are shared cannot be told, none is opened.
func TestStartScreenOpensNothingWhenSharingIsUnknown(t *testing.T) {
	h := newHarness(t, withSaved("Conf"), func(h *harness, _ **draft) {
		h.adjust = append(h.adjust, func(dp *deps) {
			dp.shared = func(string) (launch.SharedGrant, bool, error) {
				return launch.SharedGrant{}, false, errors.New("shared.json: unexpected end of JSON input")
			}
		})
	})
	h.wantText("Which profiles are shared cannot be told")
	h.press("home", "down", "e")
	if h.w.cur != stepStart {
		t.Fatal("opened a profile that may be shared")
	}
	h.wantText("whether it is shared cannot be told")
}

// An unfinished edit of a profile shared since is not resumed: on the
// start screen it says what to do instead, and neither step 2 of
// `authwiz new` nor line mode offers it.
func TestDraftOfASharedProfileIsNotResumed(t *testing.T) {
	edit := profile.Draft{Step: 5, EditOf: "Shared conf", Profile: profile.Profile{Name: "Shared conf"}}
	h := newHarness(t, withShared("Shared conf"), withResumable(edit))
	h.press("home", "enter")
	if h.w.cur != stepStart {
		t.Fatalf("resumed the edit of a shared profile on step %d", h.w.cur.number())
	}
	h.wantText("lives in the shared store", "authwiz unshare Shared conf")

	h = newHarness(t, withShared("Shared conf"), withResumable(edit), func(_ *harness, d **draft) { *d = newDraft(nil, atlassianEndpoints) })
	h.press("ctrl+o")
	if h.w.offered != nil || h.w.draft.EditOf != "" {
		t.Fatal("step 2 offers the edit of a shared profile")
	}

	dp := deps{profiles: h.store, drafts: h.store, shared: h.w.deps.shared}
	out, _ := answerLinesWith(t, dp, newDraft(nil, atlassianEndpoints), "y\n")
	if strings.Contains(out, "Resume the unfinished") {
		t.Fatalf("line mode offers the edit of a shared profile:\n%s", out)
	}
}
