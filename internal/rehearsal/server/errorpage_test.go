package server

import (
	"context"
	"errors"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/testkit"
)

// visibleText is what an admin copies from a page: its words without the
// markup.
func visibleText(page string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " "))
}

// Each Atlassian error page the rehearsal serves is recognised by
// atlassian.Diagnose, from its address and from its text, with what it
// names: what the wizard's paste field and hint rely on.
func TestDiagnoseRecognisesEachErrorPage(t *testing.T) {
	for _, tc := range []struct {
		name string
		// authURL changes the sample authorization URL; world may change
		// the server first.
		authURL func(u string) string
		world   func(w *world)
		want    atlassian.Problem
		check   func(d atlassian.Diagnosis) bool
	}{
		{name: "unknown client", want: atlassian.ProblemUnknownClient,
			authURL: func(u string) string {
				return strings.Replace(u, url.QueryEscape(SampleClientID), "RehearseWithAuthwizPracticeApp4", 1)
			}},
		{name: "redirect_uri mismatch", want: atlassian.ProblemRedirectNotRegistered,
			authURL: func(u string) string {
				return strings.Replace(u, url.QueryEscape(redirect), url.QueryEscape(redirect+"/"), 1)
			},
			check: func(d atlassian.Diagnosis) bool { return d.RedirectURI == redirect+"/" }},
		{name: "scopes not added", want: atlassian.ProblemScopesNotAdded,
			authURL: func(u string) string {
				return strings.Replace(u, "read%3Aconfluence-user", url.QueryEscape("read:confluence-user write:made-up:confluence read:made-up:confluence"), 1)
			},
			check: func(d atlassian.Diagnosis) bool {
				return slices.Equal(d.Scopes, []string{"write:made-up:confluence", "read:made-up:confluence"})
			}},
		{name: "site admin must authorize", want: atlassian.ProblemSiteAdminMustApprove,
			world: func(w *world) {
				if err := w.srv.SetSiteAdminMustAuthorize("acme", true); err != nil {
					t.Fatal(err)
				}
			},
			check: func(d atlassian.Diagnosis) bool { return d.Site == "acme.atlassian.net" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.world != nil {
				tc.world(w)
			}
			u := w.authURL("read:confluence-user", "s")
			if tc.authURL != nil {
				u = tc.authURL(u)
			}
			_, err := FollowConsent(context.Background(), w.client, u, true)
			var refused *RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("the browser did not stop on an error page: %v", err)
			}
			if !strings.HasPrefix(refused.URL, w.ts.URL+errorPath+"?") {
				t.Errorf("the error page's address is %s", refused.URL)
			}
			for what, pasted := range map[string]string{"address": refused.URL, "text": visibleText(refused.Page)} {
				d, ok := atlassian.Diagnose(pasted)
				if !ok || d.Problem != tc.want || (tc.check != nil && !tc.check(d)) {
					t.Errorf("the page's %s %q: diagnosed %v %+v, want %q", what, pasted, ok, d, tc.want)
				}
			}
			// A browser that stops at the redirect leaves the same address.
			_, err = FollowConsent(context.Background(), testkit.NoRedirects(), u, true)
			if !errors.As(err, &refused) || !strings.HasPrefix(refused.URL, w.ts.URL+errorPath+"?") {
				t.Errorf("stopped at the redirect: %v", err)
			} else if d, _ := atlassian.Diagnose(refused.URL); d.Problem != tc.want {
				t.Errorf("the redirect's address %q: diagnosed %q", refused.URL, d.Problem)
			}
		})
	}
}

// Cancel sends the browser back with error=access_denied, which Diagnose
// reads as the consent declined.
func TestDiagnoseRecognisesCancel(t *testing.T) {
	w := newWorld(t)
	back := w.consent(t, "read:confluence-user", false)
	if d, ok := atlassian.Diagnose(redirect + "?" + back.Encode()); !ok || d.Problem != atlassian.ProblemAccessDenied {
		t.Errorf("Cancel's address: %v %+v", ok, d)
	}
}

func TestErrorPageEscapesItsAddress(t *testing.T) {
	w := newWorld(t)
	resp, err := w.client.Get(w.ts.URL + errorPath + "?error=x&error_description=" + url.QueryEscape(payload))
	if err != nil {
		t.Fatal(err)
	}
	refusedErr := refused(resp)
	var r *RefusedError
	if !errors.As(refusedErr, &r) || r.Status != 400 || strings.Contains(r.Page, "<script>") || !strings.Contains(r.Page, "&lt;script&gt;") {
		t.Errorf("%v", refusedErr)
	}
}
