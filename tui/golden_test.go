package tui

import (
	"errors"
	"fmt"
	"github.com/authwiz/authwiz/internal/browser"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
)

// screens reaches every screen of the wizard; each is compared with its
// golden file at the standard 80×24, at 60×20 (step list folded, little
// height) and at 120×30. Refresh with: go test ./tui -run TestGolden -update
var screens = []struct {
	name  string
	opts  []harnessOpt
	reach func(h *harness)
}{
	{"01-start-empty", nil, func(*harness) {}},
	{"01-start-profiles", []harnessOpt{withSaved("Confluence prod", "Confluence test"), withExpired("Old one")}, func(*harness) {}},
	{"01-start-resume", []harnessOpt{withSaved("Confluence prod"), withResumable(profile.Draft{
		Profile: profile.Profile{Name: "Half done"}, Step: 7})}, func(*harness) {}},
	{"01-start-delete", []harnessOpt{withSaved("Confluence prod")}, func(h *harness) { h.press("down", "d") }},
	{"02-name", nil, func(h *harness) { h.walkTo(2) }},
	{"02-name-taken", []harnessOpt{withSaved("Confluence prod")}, func(h *harness) {
		h.walkTo(2)
		h.press("ctrl+u")
		h.typeText("confluence PROD")
		h.press("enter")
	}},
	{"02-name-existing-app", nil, func(h *harness) { h.walkTo(2); h.chooseExistingApp(); h.press("down") }},
	{"02-name-imported", []harnessOpt{importedFromCommand()}, func(*harness) {}},
	{"03-console", nil, func(h *harness) { h.walkTo(3) }},
	{"03-console-unticked", nil, func(h *harness) { h.walkTo(3); h.press("enter") }},
	{"04-create", nil, func(h *harness) { h.walkTo(4) }},
	{"05-app-name", nil, func(h *harness) { h.walkTo(5) }},
	{"05-app-name-editing", nil, func(h *harness) { h.walkTo(5); h.press("e") }},
	{"06-enable-3lo", nil, func(h *harness) { h.walkTo(6) }},
	{"07-redirect", nil, func(h *harness) { h.walkTo(7) }},
	{"07-redirect-copied", nil, func(h *harness) { h.walkTo(7); h.press("c") }},
	{"07-redirect-uppercase-host", nil, func(h *harness) {
		h.walkTo(7)
		h.press("e", "ctrl+u")
		h.typeText("http://LOCALHOST:47613/callback")
		h.press("enter")
	}},
	{"07-redirect-port-busy", []harnessOpt{busyPort(defaultRedirectURL)}, func(h *harness) { h.walkTo(7) }},
	{"08-permissions", nil, func(h *harness) { h.walkTo(8) }},
	{"08-permissions-filtered", nil, func(h *harness) { h.walkTo(8); h.typeText("space"); h.press("down", "space") }},
	{"08-permissions-none", nil, func(h *harness) { h.walkTo(8); h.press("enter") }},
	{"09-credentials", nil, func(h *harness) { h.walkTo(9) }},
	{"09-credentials-bad-id", nil, func(h *harness) { h.walkTo(9); h.typeText("short id"); h.press("enter") }},
	{"09-credentials-edit", []harnessOpt{editing("Confluence prod")}, func(h *harness) { h.jumpTo(9) }},
	{"10-endpoints", nil, func(h *harness) { h.walkTo(10) }},
	{"11-scopes", nil, func(h *harness) { h.walkTo(11) }},
	{"11-scopes-no-offline", nil, func(h *harness) {
		h.walkTo(11)
		for range len(" offline_access") {
			h.press("backspace")
		}
	}},
	{"12-summary", nil, func(h *harness) { h.walkTo(12) }},
	{"12-summary-edit-stale", []harnessOpt{editing("Confluence prod")}, func(h *harness) {
		h.jumpTo(11)
		h.typeText(" read:confluence-user")
		h.jumpTo(12)
	}},
	{"12-saved", nil, func(h *harness) { h.walkTo(12); h.press("enter") }},
	{"12-consent-waiting", nil, func(h *harness) { h.walkTo(12); h.press("enter", "enter") }},
	{"12-consent-no-browser", []harnessOpt{noBrowser()}, func(h *harness) { h.walkTo(12); h.press("enter", "enter") }},
	{"12-consent-hint", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.send(consentTickMsg{flow: h.consentView().flow, at: fixedNow.Add(time.Minute)})
		h.send(consentHintMsg{flow: h.consentView().flow, text: longHint})
	}},
	{"12-consent-hint-paste", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.send(consentHintMsg{flow: h.consentView().flow, text: longHint})
		h.press("p")
	}},
	{"12-consent-paste", nil, func(h *harness) { h.walkTo(12); h.press("enter", "enter", "p") }},
	{"12-consent-remote", []harnessOpt{remoteRedirect()}, func(h *harness) { h.walkTo(12); h.press("enter", "enter") }},
	{"12-consent-cancelled", nil, func(h *harness) { h.walkTo(12); h.press("enter", "enter", "esc") }},
	{"12-consent-failed", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.finishConsent(consent.Result{}, fmt.Errorf("Atlassian says access was denied: you clicked Deny. Run the consent again and click Accept"))
	}},
	{"12-consent-success", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.finishConsent(oneSiteResult(), nil)
	}},
	{"12-consent-sites", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.finishConsent(twoSitesResult(), nil)
	}},
	{"12-consent-long-sites", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.finishConsent(longSitesResult(), nil)
	}},
	{"12-consent-long-sites-chosen", nil, func(h *harness) {
		h.walkTo(12)
		h.press("enter", "enter")
		h.finishConsent(longSitesResult(), nil)
		h.press("down", "enter")
	}},
	{"12-not-saved", nil, func(h *harness) {
		h.walkTo(12)
		h.store.failSave = errors.New("write profiles.toml: no space left on device")
		h.press("enter")
	}},
	{"12-consent-cannot-start", nil, func(h *harness) {
		h.walkTo(12)
		h.consent.startErr = errors.New("port 47613 is taken by another program: free it, or change the " +
			"Redirect URL's port here (step 7) and the Callback URL in the Developer Console to match")
		h.press("enter", "enter")
	}},
	// Long values: a Callback URL wider than the screen, the longest
	// preset's scope string, and long site names, through step 12's phases.
	{"07-redirect-long", nil, func(h *harness) { h.walkLong(7) }},
	{"08-permissions-long", nil, func(h *harness) { h.walkLong(8) }},
	{"11-scopes-long", nil, func(h *harness) { h.walkLong(11) }},
	{"12-summary-long", nil, func(h *harness) { h.walkLong(12) }},
	{"12-saved-long", nil, func(h *harness) { h.walkLong(12); h.press("enter") }},
	{"12-consent-waiting-long", nil, func(h *harness) { h.walkLong(12); h.press("enter", "enter") }},
	{"12-consent-hint-long", nil, func(h *harness) {
		h.walkLong(12)
		h.press("enter", "enter")
		h.send(consentHintMsg{flow: h.consentView().flow, text: longHint})
	}},
	{"12-consent-paste-long", nil, func(h *harness) { h.walkLong(12); h.press("enter", "enter", "p") }},
	{"12-consent-sites-long", nil, func(h *harness) {
		h.walkLong(12)
		h.press("enter", "enter")
		h.finishConsent(longSitesResult(), nil)
	}},
	{"12-consent-success-long", nil, func(h *harness) {
		h.walkLong(12)
		h.press("enter", "enter")
		h.finishConsent(longSitesResult(), nil)
		h.press("down", "enter")
	}},
	{"quit-dialog", nil, func(h *harness) { h.walkTo(4); h.press("ctrl+c") }},
	{"leave-dialog", nil, func(h *harness) { h.walkTo(4); h.press("esc", "esc", "esc", "enter") }},
	{"jump", []harnessOpt{editing("Confluence prod")}, func(h *harness) { h.press("ctrl+g", "down", "down") }},
	{"help-full", nil, func(h *harness) { h.walkTo(7); h.press("?") }},
}

// longHint is as long as the hint after a minute's wait gets: one line
// per cause Atlassian's error pages name.
const longHint = "Still waiting after a minute. If the browser shows an Atlassian error page: " +
	"\"redirect_uri is not registered\" means the Callback URL in the console differs from " + defaultRedirectURL +
	"; \"requested scopes that have not been added\" means step 8's scopes are not all added in the console; " +
	"\"Your site admin must authorize this app\" means your organisation blocks apps its users install."

// importedFromCommand opens the wizard as `authwiz new --from FILE` does,
// with a colleague's exported app.
func importedFromCommand() harnessOpt {
	return func(_ *harness, d **draft) {
		in, err := setup.ReadSettings(setup.WriteSettings(sharedApp()))
		if err != nil {
			panic(err)
		}
		*d = importedDraft(in, atlassianEndpoints)
	}
}

func noBrowser() harnessOpt {
	return func(h *harness, _ **draft) {
		// As browser.System reports it: each thing tried, joined.
		h.browser.Err = errors.Join(errors.New("$BROWSER entry false: exit status 1"),
			&browser.NoBrowserError{Reason: "there is no graphical display"})
	}
}

func remoteRedirect() harnessOpt {
	return func(h *harness, _ **draft) { h.consent.remote = true }
}

func longSitesResult() consent.Result {
	r := twoSitesResult()
	r.Sites = append(r.Sites,
		profile.Site{CloudID: "c3", Name: "Engineering Knowledge Base and Architecture Decision Records (EMEA)",
			URL: "https://engineering-knowledge-base-and-architecture-decisions-emea.atlassian.net"},
		profile.Site{CloudID: "c4", Name: "Customer Support Playbooks", URL: "https://customer-support-playbooks.atlassian.net"})
	return r
}

func TestGoldenScreens(t *testing.T) {
	for _, sc := range screens {
		for _, size := range []struct{ w, h int }{{80, 24}, {60, 20}, {120, 30}} {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size.w, size.h), func(t *testing.T) {
				h := newHarness(t, sc.opts...)
				h.resize(size.w, size.h)
				sc.reach(h)
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}
