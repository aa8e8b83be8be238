package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// getJSON does an API GET with token and decodes the answer into v.
func (w *world) getJSON(t *testing.T, path, authorization string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.ts.URL+path, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

type resource struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Scopes []string `json:"scopes"`
	Avatar string   `json:"avatarUrl"`
}

func TestAccessibleResourcesListEachProduct(t *testing.T) {
	w := newWorld(t)
	scope := "read:confluence-user read:space:confluence read:jira-work read:me offline_access"
	tok := w.exchange(t, w.consent(t, scope, true).Get("code")).AccessToken
	var got []resource
	if status := w.getJSON(t, "/oauth/token/accessible-resources", "Bearer "+tok, &got); status != 200 {
		t.Fatalf("status %d", status)
	}
	sites := Sample().Sites
	want := []resource{
		{ID: sites[0].ID, Name: "acme", URL: sites[0].URL, Scopes: []string{"read:confluence-user", "read:space:confluence"}},
		{ID: sites[0].ID, Name: "acme", URL: sites[0].URL, Scopes: []string{"read:jira-work"}},
		{ID: sites[1].ID, Name: "acme-sandbox", URL: sites[1].URL, Scopes: []string{"read:confluence-user", "read:space:confluence"}},
		{ID: sites[1].ID, Name: "acme-sandbox", URL: sites[1].URL, Scopes: []string{"read:jira-work"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		g := got[i]
		if g.ID != want[i].ID || g.Name != want[i].Name || g.URL != want[i].URL ||
			strings.Join(g.Scopes, " ") != strings.Join(want[i].Scopes, " ") || g.Avatar == "" {
			t.Errorf("resource %d: got %+v, want %+v", i, g, want[i])
		}
	}
}

func TestSpacesAnswerTheLimit(t *testing.T) {
	w := newWorld(t)
	tok := w.exchange(t, w.consent(t, "read:space:confluence", true).Get("code")).AccessToken
	var got struct {
		Results []struct{ Key, Name string } `json:"results"`
	}
	path := "/ex/confluence/" + Sample().Sites[0].ID + "/wiki/api/v2/spaces"
	if w.getJSON(t, path+"?limit=1", "Bearer "+tok, &got); len(got.Results) != 1 || got.Results[0].Name != "Engineering" || got.Results[0].Key != "ENG" {
		t.Errorf("limit=1: %+v", got)
	}
	if w.getJSON(t, path, "Bearer "+tok, &got); len(got.Results) != 2 {
		t.Errorf("no limit: %+v", got)
	}
}

func TestAPIRefusals(t *testing.T) {
	w := newWorld(t)
	tok := w.exchange(t, w.consent(t, "read:confluence-user", true).Get("code")).AccessToken
	site := Sample().Sites[0].ID
	for _, tc := range []struct {
		name, path, authorization string
		wantStatus                int
		wantMessage               string
	}{
		{"me without read:me", "/me", "Bearer " + tok, 401, "Unauthorized; scope does not match"},
		{"spaces without read:space:confluence", "/ex/confluence/" + site + "/wiki/api/v2/spaces?limit=1", "Bearer " + tok, 401, "Unauthorized; scope does not match"},
		{"unknown site", "/ex/confluence/no-such-site/wiki/rest/api/user/current", "Bearer " + tok, 404, "Site not found"},
		{"token without Bearer", "/ex/confluence/" + site + "/wiki/rest/api/user/current", tok, 401, "Unauthorized"},
		{"no token for an unknown site", "/ex/confluence/no-such-site/wiki/rest/api/user/current", "", 401, "Unauthorized"},
	} {
		var got struct{ Message string }
		if status := w.getJSON(t, tc.path, tc.authorization, &got); status != tc.wantStatus || got.Message != tc.wantMessage {
			t.Errorf("%s: %d %q, want %d %q", tc.name, status, got.Message, tc.wantStatus, tc.wantMessage)
		}
	}
}
