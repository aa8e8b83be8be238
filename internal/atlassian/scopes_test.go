package atlassian

import (
	"os"
	"path/filepath"
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

// atlassiansList reads the checked-in list of Atlassian's Confluence
// scopes, by the group the catalog files them under.
func atlassiansList(t *testing.T) map[ScopeGroup][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "atlassian", "confluence-scopes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]ScopeGroup{"[classic]": GroupConfluenceClassic, "[granular]": GroupConfluenceGranular}
	list := map[ScopeGroup][]string{}
	var group ScopeGroup
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case sections[line] != "":
			group = sections[line]
		case group == "":
			t.Fatalf("line %d: scope %q before any section", i+1, line)
		default:
			list[group] = append(list[group], line)
		}
	}
	return list
}

func TestCatalogMatchesAtlassiansList(t *testing.T) {
	want := atlassiansList(t)
	if len(want[GroupConfluenceClassic]) != 15 || len(want[GroupConfluenceGranular]) != 74 {
		t.Fatalf("the checked-in list has %d classic and %d granular scopes; Atlassian lists 15 and 74",
			len(want[GroupConfluenceClassic]), len(want[GroupConfluenceGranular]))
	}
	for group, names := range want {
		var have []string
		for _, s := range Catalog() {
			if s.Group == group {
				have = append(have, s.Name)
			}
		}
		for _, n := range names {
			if !slices.Contains(have, n) {
				t.Errorf("%s: the catalog lacks %s", group, n)
			}
		}
		for _, n := range have {
			if !slices.Contains(names, n) {
				t.Errorf("%s: the catalog has %s, which Atlassian does not list", group, n)
			}
		}
	}
}

func TestDescriptionsSayWhatEachScopeAllows(t *testing.T) {
	for name, words := range map[string][]string{
		// Write scopes that also delete, though no delete scope exists.
		"write:group:confluence":            {"delete"},
		"write:app-data:confluence":         {"delete"},
		"write:content.property:confluence": {"delete"},
		"write:space.property:confluence":   {"delete"},
		"write:template:confluence":         {"delete"},
		"write:user.property:confluence":    {"delete"},
		// Write scopes that allow less than create and change.
		"write:audit-log:confluence":  {"Add records"},
		"write:inlinetask:confluence": {"Mark", "complete"},
		"write:label:confluence":      {"Add and remove"},
		"write:watcher:confluence":    {"Add and remove"},
		// Scopes missing from the catalog once.
		"read:email-address:confluence": {"email address"},
		"read:permission:confluence":    {"space permissions"},
	} {
		s, ok := LookupScope(name)
		if !ok {
			t.Errorf("%s: not in the catalog", name)
			continue
		}
		for _, w := range words {
			if !strings.Contains(s.Description, w) {
				t.Errorf("%s: %q does not say %q", name, s.Description, w)
			}
		}
	}
	for _, name := range []string{"write:audit-log:confluence", "write:inlinetask:confluence", "write:space.permission:confluence",
		"write:content.restriction:confluence", "write:configuration:confluence", "write:space.setting:confluence", "write:task:confluence"} {
		if s, _ := LookupScope(name); strings.Contains(s.Description, "Create") || strings.Contains(s.Description, "delete") {
			t.Errorf("%s allows neither creating nor deleting: %q", name, s.Description)
		}
	}
	seen := map[string]string{}
	for _, s := range Catalog() {
		if s.Group != GroupConfluenceGranular {
			continue
		}
		if other, dup := seen[s.Description]; dup {
			t.Errorf("%s and %s share the description %q", s.Name, other, s.Description)
		}
		seen[s.Description] = s.Name
		action := s.Name[:strings.Index(s.Name, ":")]
		if starts := map[string]string{"read": "View", "delete": "Delete"}[action]; starts != "" &&
			!strings.HasPrefix(s.Description, starts) && !strings.HasPrefix(s.Description, "Read") &&
			!strings.HasPrefix(s.Description, "Check") && !strings.HasPrefix(s.Description, "Search") {
			t.Errorf("%s: %q does not say what it lets the app %s", s.Name, s.Description, action)
		}
	}
}

func TestPresetsNameTheirAPIVersion(t *testing.T) {
	for _, p := range Presets() {
		groups := map[ScopeGroup]bool{}
		for _, name := range p.Scopes {
			if s, _ := LookupScope(name); IsConfluenceScope(name) {
				groups[s.Group] = true
			}
		}
		switch {
		case len(groups) != 1:
			t.Errorf("preset %q mixes classic and granular scopes, so it serves neither API version whole", p.Name)
		case groups[GroupConfluenceClassic] && !strings.HasPrefix(p.Description, "REST API v1:"):
			t.Errorf("preset %q has classic scopes, which REST API v2 refuses; its description must say v1: %q", p.Name, p.Description)
		case groups[GroupConfluenceClassic] && (!strings.Contains(p.Note, "REST API v2 refuses classic scopes") || !strings.Contains(p.Note, "scope does not match")):
			t.Errorf("preset %q has classic scopes; its note must say that REST API v2 refuses them: %q", p.Name, p.Note)
		case groups[GroupConfluenceGranular] && p.Note != "":
			t.Errorf("preset %q has granular scopes, which v2 takes; its note %q warns of nothing", p.Name, p.Note)
		case groups[GroupConfluenceGranular] && !strings.HasPrefix(p.Description, "REST API v2:"):
			t.Errorf("preset %q has granular scopes; its description must say v2: %q", p.Name, p.Description)
		}
	}
}
