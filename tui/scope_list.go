package tui

import (
	"strings"
	"sync"

	"github.com/authwiz/authwiz/internal/atlassian"
)

// scopeRow is one line of the scope picker: a group heading, a preset, or
// a scope.
type scopeRow struct {
	heading string
	preset  *atlassian.Preset
	scope   atlassian.Scope
	// search is the lower-cased text the filter matches against.
	search string
}

func (r scopeRow) selectable() bool { return r.heading == "" }

// scopeRows is the picker's full list, built once: presets, then the
// catalog by group. offline_access is left out: it is never ticked in the
// console (step 11 adds it to the request).
var scopeRows = sync.OnceValue(func() []scopeRow {
	var rows []scopeRow
	rows = append(rows, scopeRow{heading: "Presets"})
	for _, p := range atlassian.Presets() {
		rows = append(rows, scopeRow{preset: &p, search: strings.ToLower(p.Name + " " + p.Description)})
	}
	group := atlassian.ScopeGroup("")
	for _, sc := range atlassian.Catalog() {
		if sc.Name == atlassian.OfflineAccess {
			continue
		}
		if sc.Group != group {
			group = sc.Group
			rows = append(rows, scopeRow{heading: string(group)})
		}
		rows = append(rows, scopeRow{scope: sc, search: strings.ToLower(sc.Name + " " + sc.Description + " " + string(sc.Group))})
	}
	return rows
})

// filterRows keeps the rows matching every word of filter (in a name, a
// description or a group, so "granular" finds the granular scopes), with
// the headings of groups that still have rows.
func filterRows(rows []scopeRow, filter string) []scopeRow {
	words := strings.Fields(strings.ToLower(filter))
	if len(words) == 0 {
		return rows
	}
	var out []scopeRow
	for _, r := range rows {
		if !r.selectable() || matchesAll(r.search, words) {
			out = append(out, r)
		}
	}
	return dropEmptyHeadings(out)
}

func matchesAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func dropEmptyHeadings(rows []scopeRow) []scopeRow {
	out := rows[:0:0]
	for i, r := range rows {
		if !r.selectable() && (i+1 == len(rows) || !rows[i+1].selectable()) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// consoleTab says where in the Developer Console a scope is ticked.
func consoleTab(name string) string {
	sc, ok := atlassian.LookupScope(name)
	if !ok {
		return "Not in the catalog (check the name)"
	}
	switch sc.Group {
	case "Confluence (classic)":
		return "Confluence API › Classic scopes"
	case "Confluence (granular)":
		return "Confluence API › Granular scopes"
	case "Jira (classic)":
		return "Jira API › Classic scopes"
	case "Identity":
		return "User identity API"
	}
	return string(sc.Group)
}
