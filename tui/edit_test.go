package tui

import (
	"slices"
	"strings"
	"testing"
)

func TestEditKeepsTheSecretAndTokens(t *testing.T) {
	h := newHarness(t, editing("Confluence prod"))
	h.jumpTo(9)
	h.wantScreen("Saved secret: set (•••• 1234)")
	if strings.Contains(h.screen(), testSecret) {
		t.Fatal("the secret is on screen")
	}
	h.press("enter", "enter") // client ID unchanged, empty secret keeps the saved one
	h.wantStep(10)
	h.jumpTo(12)
	h.press("enter")
	h.wantScreen("✓ Saved")
	p, sec, _ := h.store.saved("Confluence prod")
	if sec.ClientSecret != testSecret || sec.RefreshToken != "rt" {
		t.Fatalf("secrets after saving: secret kept %v, refresh token kept %v", sec.ClientSecret == testSecret, sec.RefreshToken == "rt")
	}
	if p.TokensStale {
		t.Fatal("tokens marked stale although nothing they depend on changed")
	}
}

func TestEditChangesThatMakeTokensStale(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(h *harness)
	}{
		{"client secret", func(h *harness) { h.jumpTo(9); h.press("down"); h.paste("ATOAanothersecretanothersecret9999") }},
		{"client ID", func(h *harness) { h.jumpTo(9); h.press("ctrl+u"); h.typeText("Zbcdefghijklmnopqrstuvwxyz012345") }},
		{"Redirect URL", func(h *harness) {
			h.jumpTo(7)
			h.press("e", "ctrl+u")
			h.typeText("http://localhost:47999/callback")
			h.press("enter", "space") // registered the new one in the console
		}},
		{"scopes", func(h *harness) { h.jumpTo(11); h.typeText(" read:confluence-user") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, editing("Confluence prod"))
			tc.change(h)
			h.jumpTo(12)
			h.wantText("Changed since the last consent: " + tc.name)
			h.press("enter")
			h.wantScreen("✓ Saved")
			p, sec, _ := h.store.saved("Confluence prod")
			if !p.TokensStale {
				t.Fatal("tokens not marked stale")
			}
			if sec.RefreshToken != "rt" {
				t.Fatal("the old tokens were dropped; they stay until the new consent")
			}
			h.press("enter") // step 12 offers to authenticate again
			if h.consent.last() == nil {
				t.Fatal("no consent started")
			}
		})
	}
}

func TestRenameKeepsEverythingElse(t *testing.T) {
	h := newHarness(t, editing("Confluence prod"))
	h.press("ctrl+u")
	h.typeText("Confluence production")
	h.jumpTo(12)
	h.press("enter")
	if _, _, ok := h.store.saved("Confluence prod"); ok {
		t.Fatal("the old name is still saved")
	}
	p, sec, ok := h.store.saved("Confluence production")
	if !ok {
		t.Fatal("not saved under the new name")
	}
	before, beforeSec := savedProfile("Confluence prod")
	if p.Site.CloudID != before.Site.CloudID || len(p.Sites) != 1 || !slices.Equal(p.Scopes, before.Scopes) || !p.CreatedAt.Equal(before.CreatedAt) ||
		p.TokensStale || !beforeSec.Equal(sec) {
		t.Fatalf("renaming changed more than the name: %+v", p)
	}
	// Saving again updates the renamed profile instead of creating one.
	h.press("esc")
	h.press("enter")
	h.wantStep(12)
	h.press("enter")
	if n := len(h.store.profiles); n != 1 {
		t.Fatalf("%d profiles after saving twice", n)
	}
}

func TestEditCommandOpensPrefilled(t *testing.T) {
	h := newHarness(t, editing("Confluence prod"))
	h.wantStep(2)
	h.wantScreen("> Confluence prod")
	h.jumpTo(5)
	h.wantScreen(defaultAppName, "[✓]")
}

func TestPickingAProfileOnTheStartScreenEditsIt(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"))
	h.press("down", "enter")
	h.wantStep(2)
	h.wantScreen("> Confluence prod")
	if h.w.draft.KeptSecret != testSecret {
		t.Fatal("the saved secret was not loaded for keeping")
	}
}

// Finishing an edit without a new consent: the profile's grant still
// works unless a change made it stale, and the outcome says which.
func TestFinishingAnEditSaysWhetherTheGrantStillHolds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(h *harness)
		want   string
	}{
		{"renamed only", func(h *harness) { h.press("ctrl+u"); h.typeText("Confluence production") },
			`its authentication still holds.` + "\n" + "A fresh access token"},
		{"scopes changed", func(h *harness) { h.jumpTo(11); h.typeText(" read:confluence-user") },
			"Authenticate it with:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, editing("Confluence prod"))
			tc.change(h)
			h.jumpTo(12)
			h.press("enter")
			h.wantScreen("✓ Saved")
			h.press("q")
			if !h.quit || !strings.Contains(h.w.outcome, tc.want) {
				t.Fatalf("quit %v, outcome %q, want it to say %q", h.quit, h.w.outcome, tc.want)
			}
		})
	}
}
