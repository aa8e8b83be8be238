package tui

import (
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
)

// A client ID and secret shaped like Atlassian's.
const (
	testClientID = "Abcdefghijklmnopqrstuvwxyz012345"
	testSecret   = "ATOAsecretsecretsecretsecretsecretsecretsecret1234"
)

// walkTo takes a new profile from the start screen to step n, filling
// every step with valid values the way an admin would.
func (h *harness) walkTo(n int) {
	h.t.Helper()
	moves := []func(){
		2:  func() { h.press("enter") },          // New authentication
		3:  func() { h.press("enter") },          // keep the default name
		4:  func() { h.press("space", "enter") }, // logged in
		5:  func() { h.press("space", "enter") }, // create form open
		6:  func() { h.press("space", "enter") }, // app named and created
		7:  func() { h.press("space", "enter") }, // 3LO added
		8:  func() { h.press("space", "enter") }, // Redirect URL registered
		9:  func() { h.press("space", "enter") }, // first preset
		10: func() { h.typeText(testClientID); h.press("enter"); h.paste(testSecret); h.press("enter") },
		11: func() { h.press("enter", "enter", "enter") },
		12: func() { h.press("enter") },
	}
	for s := h.stepNumber() + 1; s <= n; s++ {
		moves[s]()
		h.wantStep(s)
	}
}

// savedProfile is a profile saved with working tokens, as after a consent.
func savedProfile(name string) (profile.Profile, profile.Secrets) {
	p := profile.Profile{
		Name: name, Type: profile.TypeOAuth2, AppName: defaultAppName,
		RedirectURL: defaultRedirectURL, ClientID: testClientID,
		AuthURL: "https://auth.atlassian.com/authorize", TokenURL: "https://auth.atlassian.com/oauth/token",
		APIBaseURL: profile.DefaultAPIBaseURL,
		Scopes:     []string{"read:confluence-content.all", "offline_access"},
		Site:       profile.Site{CloudID: "c1", Name: "Example", URL: "https://example.atlassian.net"},
		Sites:      []profile.Site{{CloudID: "c1", Name: "Example", URL: "https://example.atlassian.net"}},
		CreatedAt:  fixedNow.Add(-48 * time.Hour), UpdatedAt: fixedNow.Add(-48 * time.Hour),
	}
	sec := profile.Secrets{
		ClientSecret: testSecret, AccessToken: "at", RefreshToken: "rt", TokenType: "Bearer",
		Expiry: fixedNow.Add(30 * time.Minute), RefreshIssuedAt: fixedNow.Add(-time.Hour),
		GrantedScopes: []string{"read:confluence-content.all", "offline_access"},
	}
	p.Tokens = profile.TokensOf(sec)
	return p, sec
}

// withSaved adds saved profiles with their secrets to the store.
func withSaved(names ...string) harnessOpt {
	return func(h *harness, _ **draft) {
		for _, n := range names {
			p, sec := savedProfile(n)
			h.store.profiles = append(h.store.profiles, p)
			h.store.secrets[n] = sec
		}
	}
}

// editing opens the saved profile called name on step 2, as `authwiz edit`.
func editing(name string) harnessOpt {
	return func(h *harness, d **draft) {
		withSaved(name)(h, d)
		p, sec := savedProfile(name)
		*d = editDraft(p, sec)
	}
}

// withExpired adds a saved profile whose only token has expired.
func withExpired(name string) harnessOpt {
	return func(h *harness, d **draft) {
		withSaved(name)(h, d)
		sec := h.store.secrets[name]
		sec.RefreshToken, sec.Expiry = "", fixedNow.Add(-time.Hour)
		h.store.secrets[name] = sec
		i := h.store.find(name)
		h.store.profiles[i].Tokens = profile.TokensOf(sec)
	}
}

func busyPort(url string) harnessOpt {
	return func(h *harness, _ **draft) { h.ports.busy[url] = true }
}

// jumpTo goes to step n with ctrl+g, as in edit mode.
func (h *harness) jumpTo(n int) {
	h.t.Helper()
	h.press("ctrl+g")
	for h.w.jump != nil && h.w.jump.cursor.number() < n {
		h.press("down")
	}
	for h.w.jump != nil && h.w.jump.cursor.number() > n {
		h.press("up")
	}
	h.press("enter")
	h.wantStep(n)
}

// finishConsent ends the attempt in progress with res or err.
func (h *harness) finishConsent(res consent.Result, err error) {
	h.t.Helper()
	a := h.consent.last()
	if a == nil {
		h.t.Fatalf("no consent started; screen:\n%s", h.screen())
	}
	a.done <- outcome{res, err}
	step := h.w.steps[stepSave].(*saveStep)
	h.drain(func() bool { return !step.consent.waiting() })
}

func oneSiteResult() consent.Result {
	site := profile.Site{CloudID: "c1", Name: "Example", URL: "https://example.atlassian.net"}
	return consent.Result{
		Sites: []profile.Site{site}, Site: site, User: "Ada Lovelace",
		Granted:         []string{"read:confluence-content.all", "read:confluence-space.summary", "search:confluence", "read:confluence-user", "offline_access"},
		HasRefreshToken: true,
	}
}

func twoSitesResult() consent.Result {
	r := oneSiteResult()
	r.Sites = append(r.Sites, profile.Site{CloudID: "c2", Name: "Second", URL: "https://second.atlassian.net"})
	r.Site = profile.Site{}
	r.Granted = r.Granted[1:]
	r.Missing = []string{"read:confluence-content.all"}
	return r
}

// walkLong is walkTo with long values: the long Redirect URL on step 7
// and the read-write preset (the longest scope string) on step 8.
func (h *harness) walkLong(n int) {
	h.t.Helper()
	h.walkTo(min(n, 7))
	if n < 7 {
		return
	}
	if h.w.draft.Profile.RedirectURL != longRedirectURL {
		h.press("e", "ctrl+u")
		h.typeText(longRedirectURL)
		h.press("enter")
	}
	if n == 7 {
		return
	}
	h.press("space", "enter")
	h.wantStep(8)
	if n == 8 {
		h.press("down", "space") // the read-write preset
		return
	}
	h.press("down", "space", "enter")
	h.walkTo(n)
}
