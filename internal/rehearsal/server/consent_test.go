package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/testkit"
)

// consentPage opens a consent page and returns its HTML and consent id.
func (w *world) consentPage(t *testing.T) (page, id string) {
	t.Helper()
	resp, err := w.client.Get(w.authURL("read:confluence-user", "st-1"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := patterns().consentID.FindSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("no consent page: %d %s", resp.StatusCode, body)
	}
	return string(body), string(m[1])
}

// answer posts the consent page's form without following the redirect.
func (w *world) answer(t *testing.T, form url.Values) *http.Response {
	t.Helper()
	resp, err := testkit.NoRedirects().PostForm(w.ts.URL+"/authorize/decide", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The consent page is Atlassian's: the admin chooses a site under "Use app
// on" and answers with Accept or Cancel, the words authwiz tells them to
// look for; Allow and Deny are not on it.
func TestConsentPageIsAtlassians(t *testing.T) {
	w := newWorld(t)
	page, _ := w.consentPage(t)
	for _, want := range []string{
		"is requesting access to your Atlassian account", ">Use app on<", `<select name="site" id="site" required>`,
		`<option value="">Choose a site</option>`,
		`<option value="11111111-2222-4333-8444-555555555555">acme.atlassian.net</option>`,
		`<option value="66666666-7777-4888-9999-000000000000">acme-sandbox.atlassian.net</option>`,
		`value="accept" id="accept">Accept</button>`, `value="cancel" id="cancel" formnovalidate>Cancel</button>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the consent page lacks %s", want)
		}
	}
	if words := regexp.MustCompile(`(?i)\b(allow|deny)\b`).FindAllString(page, -1); len(words) > 0 {
		t.Errorf("the consent page says %q; Atlassian's says Accept and Cancel", words)
	}
}

// Accept needs a site: without one (or with one that is not offered) the
// page comes back to be answered, as Atlassian's keeps Accept off until a
// site is chosen. Cancel needs none and returns access_denied.
func TestAcceptNeedsASiteAndCancelDoesNot(t *testing.T) {
	w := newWorld(t)
	_, id := w.consentPage(t)
	for _, site := range []string{"", "99999999-0000-4000-8000-000000000000"} {
		resp := w.answer(t, url.Values{"consent_id": {id}, "decision": {"accept"}, "site": {site}})
		if resp.StatusCode != http.StatusUnprocessableEntity || resp.Header.Get("Location") != "" {
			t.Errorf("Accept with site %q: %d to %q, want the page again", site, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp := w.answer(t, url.Values{"consent_id": {id}, "decision": {"accept"}, "site": {w.srv.cfg.Sites[1].ID}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirect) || loc.Query().Get("code") == "" {
		t.Errorf("Accept with a site after a refused one: %d to %s", resp.StatusCode, loc)
	}

	_, id = w.consentPage(t)
	resp = w.answer(t, url.Values{"consent_id": {id}, "decision": {"cancel"}})
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if q := loc.Query(); resp.StatusCode != http.StatusFound || q.Get("error") != "access_denied" || q.Get("code") != "" || q.Get("state") != "st-1" {
		t.Errorf("Cancel: %d to %s", resp.StatusCode, loc)
	}
}

// A site whose admins must authorize the app first: Accept on it ends on
// Atlassian's page saying so, nothing comes back, and grants made on another
// site do not reach it.
func TestSiteWhoseAdminMustAuthorize(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetSiteAdminMustAuthorize("acme-sandbox", true); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.SetSiteAdminMustAuthorize("nowhere", true); err == nil {
		t.Error("an unknown site was accepted")
	}
	_, id := w.consentPage(t)
	form := url.Values{"consent_id": {id}, "decision": {"accept"}, "site": {w.srv.cfg.Sites[1].ID}}
	post, _ := http.NewRequest(http.MethodPost, w.ts.URL+"/authorize/decide", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	testkit.WantRefused(t, post, 400, "Your site admin must authorize this app for the site &#39;acme-sandbox.atlassian.net&#39;")
	w.mu.Lock()
	if len(w.back) != 0 {
		t.Errorf("the browser came back: %v", w.back)
	}
	w.mu.Unlock()

	tok := w.exchange(t, w.consent(t, "read:confluence-user", true).Get("code")).AccessToken
	var sites []resource
	w.getJSON(t, "/oauth/token/accessible-resources", "Bearer "+tok, &sites)
	if len(sites) != 1 || sites[0].Name != "acme" {
		t.Errorf("a grant reaches %+v, want acme alone", sites)
	}
	// Allowed again, the site takes consents.
	if err := w.srv.SetSiteAdminMustAuthorize("acme-sandbox", false); err != nil {
		t.Fatal(err)
	}
	_, id = w.consentPage(t)
	form.Set("consent_id", id)
	if resp := w.answer(t, form); !strings.HasPrefix(resp.Header.Get("Location"), redirect) {
		t.Errorf("Accept once the admin allows: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestFollowConsentAcceptsOnTheFirstSite(t *testing.T) {
	w := newWorld(t)
	if err := w.srv.SetSiteAdminMustAuthorize("acme", true); err != nil {
		t.Fatal(err)
	}
	_, err := FollowConsent(context.Background(), w.client, w.authURL("read:confluence-user", "s"), true)
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.URL, w.ts.URL+"/error?") || !strings.Contains(err.Error(), "'acme.atlassian.net'") {
		t.Fatalf("Accept on a site whose admin must authorize: %v", err)
	}
}

// consentOn answers a consent page with Accept on the site with cloud ID
// site and exchanges the code.
func (w *world) consentOn(t *testing.T, site string) tokenAnswer {
	t.Helper()
	_, id := w.consentPage(t)
	resp := w.answer(t, url.Values{"consent_id": {id}, "decision": {"accept"}, "site": {site}})
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("Accept on %s: %d, no way back", site, resp.StatusCode)
	}
	return w.exchange(t, loc.Query().Get("code"))
}

// reachedSites are the names accessible-resources lists for access.
func (w *world) reachedSites(t *testing.T, access string) []string {
	t.Helper()
	var sites []resource
	if status := w.getJSON(t, "/oauth/token/accessible-resources", "Bearer "+access, &sites); status != 200 {
		t.Fatalf("accessible-resources: %d", status)
	}
	var names []string
	for _, s := range sites {
		names = append(names, s.Name)
	}
	return names
}

// The grant reaches the site chosen under "Use app on" and no other, as at
// Atlassian: accessible-resources lists it alone, and a call for another
// site's cloud ID is refused. Atlassian keeps one grant per app and
// account, so a later consent on another site adds it for every token.
func TestGrantReachesOnlyTheSitesChosenOnConsent(t *testing.T) {
	w := newWorldWith(t, func(cfg *Config) { cfg.Apps[0].GrantedSites = nil })
	acme, sandbox := w.srv.cfg.Sites[0].ID, w.srv.cfg.Sites[1].ID
	first := w.consentOn(t, sandbox)
	if got := w.reachedSites(t, first.AccessToken); strings.Join(got, " ") != "acme-sandbox" {
		t.Errorf("after Accept on acme-sandbox the grant reaches %v", got)
	}
	call := func(access, site string) (int, string) {
		var answer struct{ Message string }
		status := w.getJSON(t, "/ex/confluence/"+site+"/wiki/rest/api/user/current", "Bearer "+access, &answer)
		return status, answer.Message
	}
	if status, msg := call(first.AccessToken, acme); status != 401 || msg != "Unauthorized" {
		t.Errorf("a call for a site not chosen: %d %q, want 401 Unauthorized", status, msg)
	}
	if status, _ := call(first.AccessToken, sandbox); status != 200 {
		t.Errorf("a call for the chosen site: %d", status)
	}

	second := w.consentOn(t, acme)
	for _, access := range []string{first.AccessToken, second.AccessToken} {
		if got := w.reachedSites(t, access); strings.Join(got, " ") != "acme acme-sandbox" {
			t.Errorf("after a second consent on acme a token reaches %v", got)
		}
		if status, _ := call(access, acme); status != 200 {
			t.Errorf("a call for acme after the consent that chose it: %d", status)
		}
	}
}
