package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/rehearsal/sampleapp"
)

// fakeRehearsal records the Callback URLs registered with it.
type fakeRehearsal struct {
	mu         sync.Mutex
	registered []string
	fail       error
}

func (f *fakeRehearsal) register(url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.registered = append(f.registered, url)
	return f.fail
}

func rehearsing(f *fakeRehearsal, tunnel string) harnessOpt {
	return rehearsingFrom(f, tunnel, false)
}

// rehearsingFrom is rehearsing, chosen on the real start screen when
// backToStart.
func rehearsingFrom(f *fakeRehearsal, tunnel string, backToStart bool) harnessOpt {
	return func(h *harness, _ **draft) {
		h.adjust = append(h.adjust, func(d *deps) {
			d.target = rehearsalTarget(&launch.Rehearsal{
				BackToStart: backToStart,
				AuthURL:     "http://127.0.0.1:47620/authorize", TokenURL: "http://127.0.0.1:47620/oauth/token",
				APIBaseURL: "http://127.0.0.1:47620",
				ClientID:   sampleapp.ClientID, ClientSecret: sampleapp.ClientSecret,
				RegisterCallback: f.register,
				TunnelCommand:    func(string) string { return tunnel },
			})
		})
	}
}

func TestRehearsalWalk(t *testing.T) {
	f := &fakeRehearsal{}
	h := newHarness(t, rehearsing(f, ""))
	h.wantScreen("[rehearsal]", "stand-in for Atlassian")
	h.press("enter", "enter")
	h.wantStep(3)
	h.wantText("there is no console to open here")
	h.press("space", "enter", "space", "enter", "space", "enter", "space", "enter")
	h.wantStep(7)
	if len(f.registered) != 0 {
		t.Fatal("registered before the admin went on from step 7")
	}
	h.press("space", "enter")
	h.wantStep(8)
	if len(f.registered) != 1 || f.registered[0] != defaultRedirectURL {
		t.Fatalf("registered %v", f.registered)
	}
	h.wantText("is now the rehearsal app's Callback URL")
	if got := h.w.draft.Profile.AuthURL; got != "http://127.0.0.1:47620/authorize" {
		t.Errorf("a rehearsal profile starts with the rehearsal endpoints, got %s", got)
	}
	h.press("space", "enter")
	h.wantStep(9)
	h.wantText(sampleapp.ClientID, sampleapp.ClientSecret)

	h.typeText(sampleapp.ClientID)
	h.press("enter")
	h.paste(sampleapp.ClientSecret)
	h.press("enter", "enter", "enter", "enter", "enter", "enter")
	h.wantStep(12)
	h.wantText("opens the rehearsal server's consent page")
	h.press("enter", "enter")
	h.wantText("Waiting for the rehearsal server's answer")
	if strings.Contains(h.screen(), "Atlassian's answer") {
		t.Errorf("a rehearsal waits for the rehearsal server, not Atlassian:\n%s", h.screen())
	}
}

func TestRehearsalEndpointsNeedNoWarning(t *testing.T) {
	h := newHarness(t, rehearsing(&fakeRehearsal{}, ""))
	h.press("enter")
	v := (&endpointsStep{}).validate(h.w.ctx())
	if len(v.warnings) != 0 {
		t.Errorf("the rehearsal's own endpoints are not a mistake: %v", v.warnings)
	}
	h.w.draft.Profile.AuthURL = "https://auth.example.com/authorize"
	v = (&endpointsStep{}).validate(h.w.ctx())
	if len(v.warnings) != 1 || !strings.Contains(v.warnings[0], "Authorization URL") {
		t.Errorf("only the changed endpoint warns in a rehearsal: %v", v.warnings)
	}
}

func TestRehearsalCallbackRefused(t *testing.T) {
	f := &fakeRehearsal{fail: errors.New("no such app")}
	h := newHarness(t, rehearsing(f, ""))
	h.press("enter", "enter", "space", "enter", "space", "enter", "space", "enter", "space", "enter", "space", "enter")
	h.wantStep(8)
	h.wantText("did not take the Callback URL: no such app")
}

func TestRealStartScreenOffersARehearsal(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"), func(h *harness, _ **draft) {
		h.adjust = append(h.adjust, func(d *deps) { d.offerRehearsal = true })
	})
	h.wantScreen("+ New authentication", "Rehearse first", "Confluence prod")
	h.press("down")
	if !strings.Contains(h.screen(), "› ◇ Rehearse first") {
		t.Fatalf("the rehearsal row sits right below New:\n%s", h.screen())
	}
	h.press("enter")
	if !h.w.wantsRehearsal || !h.quit {
		t.Fatal("choosing the rehearsal ends the wizard so the command line can start it")
	}
}

func TestRehearsalWarnsOfAtlassiansRealEndpoints(t *testing.T) {
	h := newHarness(t, rehearsing(&fakeRehearsal{}, ""))
	h.press("enter")
	h.walkTo(10)
	h.press("ctrl+u")
	h.typeText(atlassianEndpoints.auth)
	h.wantText("would go to the real Atlassian")
	h.walkTo(12)
	h.wantText("! These endpoints include Atlassian's real ones", "ctrl+r on step 10 puts the rehearsal's back")

	// Line prompts have no ctrl+r: the warning does not offer it there.
	c := h.w.frameCtx()
	c.lineMode = true
	warnings := endpointWarnings(c)
	if len(warnings) != 1 || strings.Contains(warnings[0], "ctrl+r") {
		t.Fatalf("line-mode warnings: %q", warnings)
	}
}

func TestStep9NoticesATypoOfTheRehearsalClientID(t *testing.T) {
	typo := strings.Replace(sampleapp.ClientID, "i", "1", 1)
	h := newHarness(t, rehearsing(&fakeRehearsal{}, ""))
	h.press("enter")
	h.walkTo(9)
	h.typeText(typo)
	h.wantText("close to the rehearsal app's Client ID but not it", sampleapp.ClientID)
	h.press("ctrl+u")
	h.typeText(sampleapp.ClientID)
	if strings.Contains(h.screen(), "close to the rehearsal") {
		t.Fatalf("the right Client ID is flagged:\n%s", h.screen())
	}

	h = newHarness(t)
	h.walkTo(9)
	h.typeText(sampleapp.ClientID)
	h.wantText("looks like the rehearsal app's Client ID, which works only in authwiz demo")
}

func TestLeavingARehearsalChosenOnTheRealStartScreenSaysItGoesBack(t *testing.T) {
	h := newHarness(t, rehearsingFrom(&fakeRehearsal{}, "", true))
	h.wantText("q takes you back to your real profiles", "q back to your real profiles")
	h.press("q")
	if !h.quit || h.w.wantsRehearsal {
		t.Fatalf("q should end the rehearsal for the command line to reopen the start screen: quit %v", h.quit)
	}

	h = newHarness(t, rehearsing(&fakeRehearsal{}, ""))
	if strings.Contains(h.screen(), "back to your real profiles") {
		t.Fatalf("a rehearsal started on its own offers a way back:\n%s", h.screen())
	}
}
