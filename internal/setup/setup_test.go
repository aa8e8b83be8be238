package setup

import (
	"slices"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/profile"
)

func validInput() Input {
	return Input{
		Name: "Confluence prod", AppName: "My app", ClientID: "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
		RedirectURL: "http://localhost:47613/callback", AuthURL: atlassian.DefaultAuthURL,
		TokenURL: atlassian.DefaultTokenURL, APIBaseURL: atlassian.DefaultAPIBaseURL,
		Scopes: []string{"read:confluence-user", atlassian.OfflineAccess}, Secret: " ATOAsecret\n",
	}
}

func TestCheckCleansAValidProfile(t *testing.T) {
	res := Check(validInput())
	if len(res.Problems) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("problems %v, warnings %v", res.Problems, res.Warnings)
	}
	if res.Secret != "ATOAsecret" || res.Profile.Type != "oauth2" || res.Profile.Name != "Confluence prod" {
		t.Fatalf("result %+v, secret %q", res.Profile, res.Secret)
	}
}

func TestCheckListsEveryProblem(t *testing.T) {
	in := validInput()
	in.Name, in.ClientID, in.RedirectURL, in.Secret = "", "", "http://example.com/cb", ""
	in.Taken = []string{"x"}
	res := Check(in)
	var fields []string
	for _, p := range res.Problems {
		fields = append(fields, p.Field)
	}
	want := []string{"Name", "Redirect URL", "Client ID", "Client secret"}
	if !slices.Equal(fields, want) {
		t.Fatalf("problems in %v, want %v", fields, want)
	}
}

func TestAnEditKeepsTheSavedSecret(t *testing.T) {
	in := validInput()
	in.Secret, in.KeptSecret, in.EditOf, in.Taken = "", "ATOAkept", "Confluence prod", []string{"Confluence prod"}
	res := Check(in)
	if len(res.Problems) != 0 || res.Secret != "ATOAkept" {
		t.Fatalf("problems %v, secret %q", res.Problems, res.Secret)
	}
}

func TestRequestScopesHasOneOfflineAccessRule(t *testing.T) {
	for _, tc := range []struct {
		console []string
		removed bool
		want    []string
	}{
		{[]string{"a:confluence"}, false, []string{"a:confluence", atlassian.OfflineAccess}},
		{[]string{atlassian.OfflineAccess, "a:confluence"}, false, []string{"a:confluence", atlassian.OfflineAccess}},
		{[]string{"a:confluence", atlassian.OfflineAccess}, true, []string{"a:confluence"}},
		{nil, false, []string{}},
	} {
		if got := RequestScopes(tc.console, tc.removed); !slices.Equal(got, tc.want) {
			t.Errorf("RequestScopes(%q, %v) = %q, want %q", tc.console, tc.removed, got, tc.want)
		}
	}
}

func TestMissingOfflineAccessWarns(t *testing.T) {
	in := validInput()
	in.Scopes = []string{"read:confluence-user"}
	res := Check(in)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, atlassian.OfflineAccess) {
		t.Fatalf("warnings %v", res.Warnings)
	}
}

func TestSharedClientIDWarns(t *testing.T) {
	in := validInput()
	in.Saved = []profile.Profile{
		{Name: "Confluence test", ClientID: in.ClientID},
		{Name: "Other app", ClientID: "zZzZzZzZzZzZzZzZzZzZzZzZzZzZ0000"},
		{Name: "Confluence prod", ClientID: in.ClientID}, // the one being edited
	}
	in.EditOf = "confluence PROD"
	if got := SharedClientID(in.ClientID, in.Saved, in.EditOf); !slices.Equal(got, []string{"Confluence test"}) {
		t.Fatalf("SharedClientID = %q", got)
	}
	res := Check(in)
	if len(res.Problems) != 0 || len(res.Warnings) != 1 || res.Warnings[0].Field != "Client ID" ||
		!strings.Contains(res.Warnings[0].Message, `"Confluence test"`) || !strings.Contains(res.Warnings[0].Message, "replaces the grant") {
		t.Fatalf("problems %v, warnings %v", res.Problems, res.Warnings)
	}
	in.Saved = in.Saved[1:]
	if res := Check(in); len(res.Warnings) != 0 {
		t.Fatalf("warned without another profile of the app: %v", res.Warnings)
	}
}
