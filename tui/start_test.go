package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

func TestTokenStates(t *testing.T) {
	p, sec := savedProfile("x")
	for _, tc := range []struct {
		name string
		edit func(p *profile.Profile, s *profile.Secrets)
		want string
	}{
		{"refreshable", func(*profile.Profile, *profile.Secrets) {}, "valid"},
		{"never consented", func(_ *profile.Profile, s *profile.Secrets) { *s = profile.Secrets{ClientSecret: "s"} }, "needs consent"},
		{"settings changed", func(p *profile.Profile, _ *profile.Secrets) { p.TokensStale = true }, "needs consent (settings changed)"},
		{"refresh token unused for 90 days", func(_ *profile.Profile, s *profile.Secrets) {
			s.RefreshIssuedAt = fixedNow.Add(-91 * 24 * time.Hour)
		}, "needs consent (unused 90 days)"},
		{"access token only", func(_ *profile.Profile, s *profile.Secrets) { s.RefreshToken = "" }, "expires in 30m"},
		{"access token expired", func(_ *profile.Profile, s *profile.Secrets) {
			s.RefreshToken, s.Expiry = "", fixedNow.Add(-time.Minute)
		}, "needs consent (expired)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pp, ss := p, sec
			tc.edit(&pp, &ss)
			if got := tokenState(pp, ss, fixedNow); got != tc.want {
				t.Fatalf("tokenState = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStartScreenReadsOnlyTheVisibleProfiles(t *testing.T) {
	names := make([]string, 500)
	for i := range names {
		names[i] = fmt.Sprintf("Profile %03d", i)
	}
	h := newHarness(t, withSaved(names...))
	read := len(h.store.gets)
	if read == 0 || read > 24 {
		t.Fatalf("opening the start screen read %d profiles' secrets, want only those on screen", read)
	}
	h.wantScreen("Profile 000", "valid", "of 501 rows")
	if strings.Contains(h.screen(), "Profile 100") {
		t.Fatal("rows beyond the window are rendered")
	}
	h.press("end")
	h.wantScreen("Profile 499")
	afterEnd := len(h.store.gets)
	if afterEnd > 2*24 {
		t.Fatalf("jumping to the end read %d profiles in all", afterEnd)
	}
	h.press("up", "down")
	if got := len(h.store.gets); got != afterEnd {
		t.Fatal("token states already known were read again")
	}
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
	w := newWizard(deps{profiles: store, drafts: store, now: func() time.Time { return fixedNow }}, nil)
	if len(store.gets) != 0 {
		t.Fatal("the store was read before the first frame")
	}
	if s := w.View().Content; !strings.Contains(s, "Reading saved profiles…") || !strings.Contains(s, "New authentication") {
		t.Fatalf("first frame:\n%s", s)
	}
}

func TestNewFromTheCommandLineGetsAUniqueName(t *testing.T) {
	h := newHarness(t, withSaved(defaultProfileName), func(_ *harness, d **draft) { *d = newDraft(nil) })
	h.wantStep(2)
	h.wantScreen("> " + defaultProfileName + " (2)")
}

func TestNewChosenBeforeTheProfilesAreReadStillStarts(t *testing.T) {
	store := newFakeStore(fixedNow)
	p, sec := savedProfile(defaultProfileName)
	store.profiles, store.secrets[p.Name] = append(store.profiles, p), sec
	w := newWizard(deps{profiles: store, drafts: store, now: func() time.Time { return fixedNow }}, nil)
	load := w.loadStart()
	w.Update(keyPress("enter")) // before the profiles arrive
	if w.cur != 0 {
		t.Fatal("started before the names were known")
	}
	w.Update(load())
	if w.cur != 1 || w.draft.Profile.Name != defaultProfileName+" (2)" {
		t.Fatalf("on step %d with name %q", w.cur+1, w.draft.Profile.Name)
	}
}
