package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
)

// sharedApp is an app a colleague exported: its own Callback URL and
// scopes, no secret.
func sharedApp() profile.Profile {
	p, _ := savedProfile("Confluence shared")
	p.RedirectURL = "http://localhost:47699/oauth/shared"
	p.Scopes = []string{"read:confluence-content.all", "read:confluence-user", "offline_access"}
	return p
}

// sharedAppFile is sharedApp exported to a settings file, as `authwiz
// export` writes it.
func sharedAppFile(t *testing.T) (profile.Profile, string) {
	t.Helper()
	app := sharedApp()
	path := filepath.Join(t.TempDir(), "shared.toml")
	if err := os.WriteFile(path, setup.WriteSettings(app), 0o600); err != nil {
		t.Fatal(err)
	}
	return app, path
}

// chooseExistingApp moves from the name to the App choice on step 2 and
// picks the app that exists.
func (h *harness) chooseExistingApp() {
	h.t.Helper()
	h.press("down", "space")
	if !h.w.draft.ExistingApp {
		h.t.Fatalf("the existing app is not chosen:\n%s", h.screen())
	}
}

func TestExistingAppSkipsTheConsoleSteps(t *testing.T) {
	h := newHarness(t)
	h.walkTo(2)
	h.chooseExistingApp()
	h.press("enter")
	h.wantStep(7)
	h.wantScreen("–  3 Developer Console", "–  6 Enable OAuth 2.0")
	h.press("esc")
	h.wantStep(2)
	h.press("enter")
	h.wantStep(7)
	h.walkTo(12)
	h.press("enter")
	if _, sec, ok := h.store.saved(defaultProfileName); !ok || sec.ClientSecret != testSecret {
		t.Fatalf("not saved; screen:\n%s", h.screen())
	}

	// Changing one's mind brings the console steps back, unticked.
	h = newHarness(t)
	h.walkTo(2)
	h.chooseExistingApp()
	h.press("space", "enter")
	h.wantStep(3)
	h.press("enter")
	h.wantStep(3)
}

func TestImportAnAppsSettingsAtStep2(t *testing.T) {
	app, path := sharedAppFile(t)
	h := newHarness(t)
	h.walkTo(2)
	h.chooseExistingApp()
	h.press("down")
	h.typeText(filepath.Join(filepath.Dir(path), "missing.toml"))
	h.press("enter")
	h.wantStep(2)
	h.wantText("✗ open the settings file")
	h.press("ctrl+u")
	h.typeText(path)
	h.press("enter")
	h.wantStep(2)
	h.wantText("Imported "+path, "Client ID "+testClientID, "Callback URL "+app.RedirectURL, "2 scopes")
	if got := h.w.draft.Profile.Name; got != app.Name {
		t.Fatalf("name = %q, want the file's %q", got, app.Name)
	}
	h.press("enter")
	h.wantStep(7)
	h.wantScreen(app.RedirectURL, "[ ] The app's Callback URLs include this one")
	h.press("space", "enter", "enter")
	h.wantStep(9)
	h.press("down")
	h.paste(testSecret)
	h.press("enter", "enter", "enter", "enter", "enter")
	h.wantStep(12)
	h.press("enter")
	p, sec, ok := h.store.saved(app.Name)
	if !ok || p.ClientID != testClientID || p.RedirectURL != app.RedirectURL || !slices.Equal(p.Scopes, app.Scopes) || sec.ClientSecret != testSecret {
		t.Fatalf("saved %+v, secret %v (found %v)", p, sec.ClientSecret == testSecret, ok)
	}
}

// In a small window the settings-file field appears below the fold when
// the existing app is chosen: moving to it brings it into view, so what
// is typed there is seen.
func TestTheFocusedFieldScrollsIntoView(t *testing.T) {
	h := newHarness(t)
	h.resize(60, 20)
	h.walkTo(2)
	h.chooseExistingApp()
	h.press("down")
	h.typeText("/tmp/app.toml")
	h.wantScreen("› Settings file", "> /tmp/app.toml")
	h.press("up", "up")
	h.wantScreen("› Name", "> "+defaultProfileName)

	h.press("down", "down") // and in a window made smaller while it has the focus
	h.resize(100, 30)
	h.resize(60, 18)
	h.wantScreen("› Settings file", "> /tmp/app.toml")
}

// In a small window the import's error is below the fold: pgdown, pressed
// to read it, must not make it vanish; typing another path does.
func TestAnImportErrorStaysUntilThePathChanges(t *testing.T) {
	h := newHarness(t)
	h.resize(60, 20)
	h.walkTo(2)
	h.chooseExistingApp()
	h.press("down")
	h.typeText(t.TempDir()) // a directory, not a settings file
	h.press("enter", "pgdown")
	h.wantScreen("✗ read the settings file")
	h.typeText("x")
	if strings.Contains(h.screen(), "✗ read the settings file") {
		t.Fatalf("the error of the old path stays:\n%s", h.screen())
	}
}

// The admin types the Client ID and secret of an app that exists: the
// wizard goes from step 2 straight to the Redirect URL, then on to consent.
func TestFlowExistingAppTypedWithFakes(t *testing.T) {
	h := newHarness(t)
	f := startFlow(t, h.w)
	f.waitFor("New authentication")
	f.press("enter")
	f.waitFor("Step 2 of 12")
	f.press("down", "space")
	f.waitFor("(•) Existing")
	f.press("enter")
	f.waitFor("Step 7 of 12", "The port is free")
	f.press("space", "enter")
	f.waitFor("Step 8 of 12")
	f.press("space", "enter")
	f.waitFor("Step 9 of 12")
	f.typeText(testClientID)
	f.press("enter")
	f.tm.Send(tea.PasteMsg{Content: testSecret})
	f.press("enter")
	f.saveFromStep10()
	f.press("enter")
	f.waitFor("Waiting for Atlassian")
	h.consent.last().done <- outcome{res: oneSiteResult()}
	f.waitFor("Connected as")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if p, _, ok := h.store.saved(defaultProfileName); !ok || p.ClientID != testClientID {
		t.Fatalf("saved %+v (found %v)", p, ok)
	}
}

// `authwiz new --from FILE` hands the wizard the file's settings: it opens
// on step 2 prefilled, and the admin only adds the secret and consents.
func TestFlowImportedByNewFromWithFakes(t *testing.T) {
	app := sharedApp()
	h := newHarness(t, importedFromCommand())
	f := startFlow(t, h.w)
	f.waitFor("Step 2 of 12", "> "+app.Name, "Imported the file given to authwiz new --from")
	f.press("enter")
	f.waitFor("Step 7 of 12", app.RedirectURL)
	f.press("space", "enter")
	f.waitFor("Step 8 of 12", "these 2 scopes")
	f.press("enter")
	f.waitFor("Step 9 of 12", testClientID)
	f.press("down")
	f.tm.Send(tea.PasteMsg{Content: testSecret})
	f.press("enter")
	f.saveFromStep10()
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	p, sec, ok := h.store.saved(app.Name)
	if !ok || p.RedirectURL != app.RedirectURL || !slices.Equal(p.Scopes, app.Scopes) || sec.ClientSecret != testSecret {
		t.Fatalf("saved %+v (found %v)", p, ok)
	}
}

func TestAccessibleExistingAppImportsAndSkipsTheConsoleSteps(t *testing.T) {
	app, path := sharedAppFile(t)
	store := newFakeStore(fixedNow)
	input := strings.Join([]string{"", "y", path + ".missing", path, "", "", "1", ""}, "\n") + "\n"
	out, err := answerLines(t, store, nil, input)
	if err == nil || !strings.Contains(err.Error(), "only be typed at a terminal") {
		t.Fatalf("want to stop at the secret, got %v\n%s", err, out)
	}
	for _, want := range []string{"Error: open the settings file", "Imported " + path, "Step 7 of 12", "[" + app.RedirectURL + "]", "Step 9 of 12"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Step 3 of 12") {
		t.Errorf("the console steps are asked for an app that exists:\n%s", out)
	}
}

func TestASecondProfileOfTheSameAppWarns(t *testing.T) {
	h := newHarness(t, withSaved("Confluence prod"))
	h.walkTo(9)
	h.typeText(testClientID)
	h.wantText(`This Client ID is also used by "Confluence prod"`, "replaces the grant the other holds")
	h.press("enter")
	h.paste(testSecret)
	h.press("enter")
	h.walkTo(12)
	h.wantText(`! This Client ID is also used by "Confluence prod"`)

	// The profile itself, opened for editing, is not another one.
	h = newHarness(t, editing("Confluence prod"))
	h.jumpTo(12)
	if strings.Contains(h.screen(), "also used by") {
		t.Fatalf("an edited profile warns about itself:\n%s", h.screen())
	}
}

// A draft keeps the choice of an app that exists: resumed, it still skips
// the console steps.
func TestADraftKeepsTheExistingAppChoice(t *testing.T) {
	h := newHarness(t)
	h.walkTo(2)
	h.chooseExistingApp()
	h.press("enter")
	h.wantStep(7)
	h.press("ctrl+c", "s")
	if h.store.draft == nil || !h.store.draft.ExistingApp {
		t.Fatalf("the draft forgot the existing app: %+v", h.store.draft)
	}

	h = newHarness(t, withResumable(*h.store.draft))
	h.press("enter") // resume
	h.wantStep(7)
	if !h.w.draft.ExistingApp {
		t.Fatal("the resumed draft walks the console steps again")
	}
	h.press("esc")
	h.wantStep(2)
}

// saveFromStep10 keeps the endpoints and the scope string and saves.
func (f *flow) saveFromStep10() {
	f.t.Helper()
	f.waitFor("Step 10 of 12")
	f.press("enter", "enter", "enter")
	f.waitFor("Step 11 of 12")
	f.press("enter")
	f.waitFor("Step 12 of 12")
	f.press("enter")
	f.waitFor("✓ Saved as")
}
