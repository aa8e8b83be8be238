package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
)

// injected is what a hand-edited profiles.toml or a draft may carry: an
// OSC 52 clipboard write, CSI screen and report sequences, a bell, and C1
// controls in their one-character forms. Each is a whole sequence, so a
// value with it removed reads as the clean value.
var injected = []string{
	"\x1b]52;c;SU5KRUNURUQ=\x07", // OSC 52: write to the clipboard
	"\x1b[2J",                    // CSI: clear the screen
	"\x07",                       // BEL
	"\u009b6n",                   // C1 CSI: report the cursor position
	"\u009d0;pwned\u009c",        // C1 OSC: set the window title
}

// poisoned puts every injected sequence into the middle of s.
func poisoned(s string) string {
	if s == "" {
		return strings.Join(injected, "")
	}
	half := len(s) / 2
	return s[:half] + strings.Join(injected, "") + s[half:]
}

// poisonProfile poisons every text field of p a person or a server could
// have written.
func poisonProfile(p profile.Profile) profile.Profile {
	for _, f := range []*string{&p.Name, &p.AppName, &p.RedirectURL, &p.ClientID, &p.AuthURL, &p.TokenURL, &p.APIBaseURL} {
		*f = poisoned(*f)
	}
	p.Scopes = append([]string(nil), p.Scopes...)
	for i := range p.Scopes {
		p.Scopes[i] = poisoned(p.Scopes[i])
	}
	p.Site.Name, p.Site.URL = poisoned(p.Site.Name), poisoned(p.Site.URL)
	p.Sites = append([]profile.Site(nil), p.Sites...)
	for i := range p.Sites {
		p.Sites[i].Name, p.Sites[i].URL = poisoned(p.Sites[i].Name), poisoned(p.Sites[i].URL)
	}
	return p
}

// storeWith is a harness option that puts a profile called name (shown as
// poisoned when poison) and a draft into the store, as hand edits would.
func storeWith(name string, poison bool) harnessOpt {
	return func(h *harness, _ **draft) {
		p, sec := savedProfile(name)
		d := profile.Draft{Profile: profile.Profile{Name: "Half done", AppName: "My app", ClientID: testClientID,
			RedirectURL: "http://localhost:47613/callback", Scopes: []string{"read:confluence-user"}}, Step: 7}
		if poison {
			p = poisonProfile(p)
			d.Profile = poisonProfile(d.Profile)
		}
		h.store.profiles = append(h.store.profiles, p)
		h.store.secrets[p.Name] = sec
		h.store.draft = &d
	}
}

// TestNoInjectedSequenceReachesTheTerminal compares raw frames, escapes
// and all: the harness's screen() strips escapes, so only the raw frame
// shows whether a sequence from a file got through. Every frame of a
// poisoned store must equal the frame of the clean one, and none may hold
// a byte of the injected sequences.
func TestNoInjectedSequenceReachesTheTerminal(t *testing.T) {
	const name = "Confluence prod"
	walks := []struct {
		what string
		walk func(h *harness, name string)
	}{
		{"start screen with a draft", func(*harness, string) {}},
		{"edit mode, every step and the summary", func(h *harness, _ string) {
			h.press("down", "down", "enter") // the saved profile, under the draft and New
			for n := 3; n <= 12; n++ {
				h.jumpTo(n)
				h.frame()
			}
		}},
		{"step 12 consent result", func(h *harness, _ string) {
			h.press("down", "down", "a") // authenticate the saved profile again
			res := longSitesResult()
			res.User = "Ada Lovelace"
			h.finishConsent(res, nil)
		}},
		{"resume the draft", func(h *harness, _ string) {
			h.press("enter") // the draft's row comes first
			h.wantStep(7)
			h.frame()
			h.press("space", "enter")
			h.frame()
		}},
		{"resume dialog", func(h *harness, _ string) {
			h.press("down", "enter") // a new profile
			h.typeText(" changed")
			h.press("esc") // back to the start screen
			h.frame()
			h.press("up", "enter") // the draft: leave what was typed?
			if h.w.quit == nil {
				h.t.Fatalf("no dialog:\n%s", h.screen())
			}
		}},
	}
	for _, wk := range walks {
		for _, size := range []struct{ w, h int }{{80, 24}, {60, 20}} {
			t.Run(fmt.Sprintf("%s/%dx%d", wk.what, size.w, size.h), func(t *testing.T) {
				clean := newHarness(t, storeWith(name, false))
				dirty := newHarness(t, storeWith(name, true))
				var cleanFrames, dirtyFrames []string
				clean.frames, dirty.frames = &cleanFrames, &dirtyFrames
				for _, h := range []*harness{clean, dirty} {
					h.resize(size.w, size.h)
					h.frame()
					wk.walk(h, name)
					h.frame()
				}
				if len(cleanFrames) != len(dirtyFrames) {
					t.Fatalf("%d frames from the clean store, %d from the poisoned one", len(cleanFrames), len(dirtyFrames))
				}
				for i, raw := range dirtyFrames {
					// The wizard's own links end in BEL, so a stray BEL shows
					// only in the comparison below.
					for _, seq := range []string{"\x1b]52", "\x1b[2J", "\u009b", "\u009d", "\u009c", "pwned", "SU5KRUNURUQ"} {
						if strings.Contains(raw, seq) {
							t.Fatalf("frame %d holds the injected %q:\n%q", i, seq, raw)
						}
					}
					if raw != cleanFrames[i] {
						t.Fatalf("frame %d differs from the clean store's:\npoisoned %q\nclean    %q", i, raw, cleanFrames[i])
					}
				}
			})
		}
	}
}
