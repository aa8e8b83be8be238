package server

import (
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// What a server kept works on the next one: a Callback URL registered
// while it ran, the current refresh token and access token, the rotated
// refresh token within the reuse interval, and a revoked grant stays
// revoked.
func TestStateCarriesOverToTheNextServer(t *testing.T) {
	var changes atomic.Int32
	first := newWorldWith(t, func(cfg *Config) { cfg.Changed = func() { changes.Add(1) } })
	first.srv.SetRefreshReuseLeeway(AtlassianReuseInterval)
	const custom = "http://localhost:50123/oauth/atlassian/callback"
	if err := first.srv.RegisterCallback(SampleClientID, custom); err != nil {
		t.Fatal(err)
	}
	kept := first.offlineGrant(t)
	rotated := first.refreshWith(t, kept.RefreshToken)
	revoked := first.offlineGrant(t)
	revokedCurrent := first.refreshWith(t, revoked.RefreshToken)
	first.advance(AtlassianReuseInterval + time.Minute)
	if a := first.refreshWith(t, revoked.RefreshToken); a.Status != 403 {
		t.Fatalf("late reuse: %+v", a)
	}
	if changes.Load() < 5 {
		t.Errorf("Changed called %d times for a registration, two exchanges, two refreshes and a revocation", changes.Load())
	}
	data, err := first.srv.MarshalState()
	if err != nil {
		t.Fatal(err)
	}

	second := newWorldWith(t, func(cfg *Config) { cfg.RefreshReuseLeeway = AtlassianReuseInterval })
	second.now = first.now
	if err := second.srv.RestoreState(data); err != nil {
		t.Fatal(err)
	}
	u := strings.Replace(second.authURL("read:confluence-user", "s"), "47613%2Fcallback", "50123%2Foauth%2Fatlassian%2Fcallback", 1)
	if resp := record(second.srv, strings.TrimPrefix(u, second.ts.URL)); resp.StatusCode != 200 {
		t.Errorf("the Callback URL registered before the restart: %d", resp.StatusCode)
	}
	if !second.worksWithAPI(t, rotated.AccessToken) {
		t.Error("the access token from before the restart is refused")
	}
	if a := second.refreshWith(t, revokedCurrent.RefreshToken); a.Status != 403 {
		t.Errorf("a grant revoked before the restart works again: %+v", a)
	}
	// Within the interval of its own rotation (the clock went on by 11
	// minutes, so the kept grant's is over): only the current one works.
	if a := second.refreshWith(t, rotated.RefreshToken); a.Status != 200 {
		t.Errorf("the current refresh token from before the restart: %+v", a)
	}
}

func TestRestoreStateRefusesWhatItCannotRead(t *testing.T) {
	w := newWorld(t)
	for _, data := range []string{"", "{", `{"version": 3}`} {
		if err := w.srv.RestoreState([]byte(data)); err == nil {
			t.Errorf("%q was restored", data)
		}
	}
}

// The sites consents chose are kept, and reach no further after a
// restart; a state written before sites were kept (version 1) keeps its
// grants reaching every site, as they did then.
func TestChosenSitesCarryOverToTheNextServer(t *testing.T) {
	fresh := func(cfg *Config) { cfg.Apps[0].GrantedSites = nil }
	first := newWorldWith(t, fresh)
	kept := first.consentOn(t, first.srv.cfg.Sites[1].ID)
	data, err := first.srv.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	second := newWorldWith(t, fresh)
	if err := second.srv.RestoreState(data); err != nil {
		t.Fatal(err)
	}
	if got := second.reachedSites(t, kept.AccessToken); strings.Join(got, " ") != "acme-sandbox" {
		t.Errorf("after a restart the grant reaches %v, want acme-sandbox alone", got)
	}

	version1 := strings.Replace(string(data), `"version": 2`, `"version": 1`, 1)
	version1 = regexp.MustCompile(`(?s)"sites": \{.*?\},\n`).ReplaceAllString(version1, "")
	if strings.Contains(version1, `"sites"`) || !strings.Contains(version1, `"version": 1`) {
		t.Fatalf("not a version 1 state:\n%s", version1)
	}
	third := newWorldWith(t, fresh)
	if err := third.srv.RestoreState([]byte(version1)); err != nil {
		t.Fatal(err)
	}
	if got := third.reachedSites(t, kept.AccessToken); strings.Join(got, " ") != "acme acme-sandbox" {
		t.Errorf("a version 1 grant reaches %v, want every site", got)
	}
}
