package atlassian

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCatalogIsConsistent(t *testing.T) {
	cat := Catalog()
	if len(cat) < 90 {
		t.Errorf("catalog has %d scopes; expected the Confluence classic and granular, Jira and identity scopes", len(cat))
	}
	seen := map[string]bool{}
	granular := regexp.MustCompile(`^(read|write|delete):[a-z][a-z.-]*:confluence$`)
	groupOrder := []ScopeGroup{GroupConfluenceClassic, GroupConfluenceGranular, GroupJiraClassic, GroupIdentity, GroupOffline}
	last := 0
	for _, s := range cat {
		if seen[s.Name] {
			t.Errorf("duplicate scope %s", s.Name)
		}
		seen[s.Name] = true
		if s.Description == "" || strings.ContainsAny(s.Description, "\n\r") || len(s.Description) > 100 {
			t.Errorf("%s: description must be one short line, got %q", s.Name, s.Description)
		}
		g := slices.Index(groupOrder, s.Group)
		if g < last {
			t.Errorf("%s: groups out of order", s.Name)
		}
		last = g
		if s.Group == GroupConfluenceGranular && !granular.MatchString(s.Name) {
			t.Errorf("granular scope %s is not ACTION:OBJECT:confluence", s.Name)
		}
		if (s.Group == GroupConfluenceClassic || s.Group == GroupConfluenceGranular) != IsConfluenceScope(s.Name) {
			t.Errorf("%s: group %s disagrees with IsConfluenceScope", s.Name, s.Group)
		}
	}
	for _, must := range []string{"read:confluence-content.all", "manage:confluence-configuration", "read:page:confluence",
		"delete:page:confluence", "read:space:confluence", "read:jira-work", "read:me", "read:account", OfflineAccess} {
		if !KnownScope(must) {
			t.Errorf("catalog lacks %s", must)
		}
	}
	if KnownScope("read:page:confluencee") || KnownScope("") {
		t.Error("KnownScope accepts a scope that does not exist")
	}
	if s, ok := LookupScope("read:user:confluence"); !ok || s.Group != GroupConfluenceGranular {
		t.Errorf("LookupScope: %+v %v", s, ok)
	}
}

func TestPresets(t *testing.T) {
	names := map[string]bool{}
	for _, p := range Presets() {
		if names[p.Name] || p.Description == "" {
			t.Errorf("preset %q: duplicate name or no description", p.Name)
		}
		names[p.Name] = true
		if !slices.Contains(p.Scopes, OfflineAccess) {
			t.Errorf("preset %q lacks offline_access", p.Name)
		}
		seen := map[string]bool{}
		for _, s := range p.Scopes {
			if !KnownScope(s) || seen[s] {
				t.Errorf("preset %q: %s unknown or listed twice", p.Name, s)
			}
			seen[s] = true
		}
	}
	for _, want := range []string{"read-only", "read-write", "search"} {
		if !names[want] {
			t.Errorf("no %q preset", want)
		}
	}
}
