package atlassian

import (
	"strings"
	"sync"
)

// OfflineAccess is the scope that makes Atlassian issue a refresh token. It
// is never ticked in the Developer Console; it is only asked for in the
// authorization URL.
const OfflineAccess = "offline_access"

// ScopeGroup sorts scopes the way the Developer Console shows them.
type ScopeGroup string

// The scope groups, in display order.
const (
	GroupConfluenceClassic  ScopeGroup = "Confluence (classic)"
	GroupConfluenceGranular ScopeGroup = "Confluence (granular)"
	GroupJiraClassic        ScopeGroup = "Jira (classic)"
	GroupIdentity           ScopeGroup = "Identity"
	GroupOffline            ScopeGroup = "Offline access"
)

// Scope is one OAuth scope with what it lets the app do.
type Scope struct {
	Name        string
	Description string
	Group       ScopeGroup
}

// Preset is a named set of scopes for a common kind of integration.
type Preset struct {
	Name        string
	Description string
	Scopes      []string
}

var classicConfluence = []Scope{
	{"read:confluence-content.all", "Read pages, blog posts and comments, bodies included", GroupConfluenceClassic},
	{"read:confluence-content.summary", "Read summaries of content, without the bodies", GroupConfluenceClassic},
	{"read:confluence-content.permission", "See who may view or edit a piece of content", GroupConfluenceClassic},
	{"read:confluence-space.summary", "Read summaries of spaces", GroupConfluenceClassic},
	{"read:confluence-props", "Read properties stored on content", GroupConfluenceClassic},
	{"read:confluence-user", "Read user details such as names, emails and pictures", GroupConfluenceClassic},
	{"read:confluence-groups", "Read user groups", GroupConfluenceClassic},
	{"readonly:content.attachment:confluence", "Download attachments", GroupConfluenceClassic},
	{"search:confluence", "Search content with CQL", GroupConfluenceClassic},
	{"write:confluence-content", "Create and change pages, blog posts and comments", GroupConfluenceClassic},
	{"write:confluence-space", "Create, change and delete spaces", GroupConfluenceClassic},
	{"write:confluence-file", "Upload attachments", GroupConfluenceClassic},
	{"write:confluence-props", "Write properties stored on content", GroupConfluenceClassic},
	{"write:confluence-groups", "Create, change and remove user groups", GroupConfluenceClassic},
	{"manage:confluence-configuration", "Change the site's global Confluence settings", GroupConfluenceClassic},
}

// granularObject is one kind of thing the granular scopes act on, with the
// actions Atlassian offers for it and what it is, in a few words.
type granularObject struct {
	name    string
	what    string
	actions string // any of "r", "w", "d"
}

var granularObjects = []granularObject{
	{"analytics.content", "view counts and viewers of content", "r"},
	{"app-data", "data apps store in Confluence", "rw"},
	{"attachment", "attachments", "rwd"},
	{"audit-log", "the audit log", "rw"},
	{"blogpost", "blog posts", "rwd"},
	{"comment", "comments", "rwd"},
	{"configuration", "site-wide Confluence settings", "rw"},
	{"content", "content of any type", "rwd"},
	{"content-details", "content details such as history and versions", "r"},
	{"content.metadata", "content metadata", "r"},
	{"content.permission", "content permissions", "r"},
	{"content.property", "content properties", "rw"},
	{"content.restriction", "content restrictions", "rw"},
	{"custom-content", "custom content made by apps", "rwd"},
	{"database", "databases", "rwd"},
	{"embed", "Smart Link embeds", "rwd"},
	{"folder", "folders", "rwd"},
	{"group", "user groups", "rw"},
	{"hierarchical-content", "the page tree (ancestors, children, descendants)", "r"},
	{"inlinetask", "inline tasks", "rw"},
	{"label", "labels", "rw"},
	{"page", "pages", "rwd"},
	{"relation", "relations between content and users", "rw"},
	{"space", "spaces", "rwd"},
	{"space-details", "space details", "r"},
	{"space.permission", "space permissions", "rw"},
	{"space.property", "space properties", "rw"},
	{"space.setting", "space settings", "rw"},
	{"task", "tasks", "rw"},
	{"template", "templates", "rw"},
	{"user", "user details", "r"},
	{"user.property", "user properties", "rw"},
	{"watcher", "watchers", "rw"},
	{"whiteboard", "whiteboards", "rwd"},
}

var jiraClassic = []Scope{
	{"read:jira-user", "Read Jira user details", GroupJiraClassic},
	{"read:jira-work", "Read Jira projects, issues and their comments", GroupJiraClassic},
	{"write:jira-work", "Create and change Jira issues, comments and attachments", GroupJiraClassic},
	{"manage:jira-project", "Create and change Jira projects and their settings", GroupJiraClassic},
	{"manage:jira-configuration", "Change the Jira site's global settings", GroupJiraClassic},
	{"manage:jira-webhook", "Register and manage Jira webhooks", GroupJiraClassic},
	{"manage:jira-data-provider", "Send development, build and deployment data to Jira", GroupJiraClassic},
}

var identity = []Scope{
	{"read:me", "Read the consenting user's own profile (name, email); needs the User Identity API", GroupIdentity},
	{"read:account", "Read account details of users", GroupIdentity},
	{OfflineAccess, "Get a refresh token, so access outlives the one-hour access token", GroupOffline},
}

var presets = []Preset{
	{
		Name:        "read-only",
		Description: "Read and search pages, blog posts, comments, spaces and attachments",
		Scopes: []string{"read:confluence-content.all", "read:confluence-content.summary", "read:confluence-space.summary",
			"read:confluence-user", "readonly:content.attachment:confluence", "search:confluence", OfflineAccess},
	},
	{
		Name:        "read-write",
		Description: "Everything in read-only, plus creating and changing content and attachments",
		Scopes: []string{"read:confluence-content.all", "read:confluence-content.summary", "read:confluence-space.summary",
			"read:confluence-user", "readonly:content.attachment:confluence", "search:confluence",
			"write:confluence-content", "write:confluence-file", "read:confluence-props", "write:confluence-props", OfflineAccess},
	},
	{
		Name:        "search",
		Description: "Search content and show results with their spaces and authors",
		Scopes:      []string{"search:confluence", "read:confluence-content.summary", "read:confluence-space.summary", "read:confluence-user", OfflineAccess},
	},
	{
		Name:        "granular read-only",
		Description: "Read pages, blog posts, comments, attachments and spaces with granular scopes (API v2)",
		Scopes: []string{"read:page:confluence", "read:blogpost:confluence", "read:comment:confluence", "read:attachment:confluence",
			"read:space:confluence", "read:content-details:confluence", "read:hierarchical-content:confluence", "read:user:confluence", OfflineAccess},
	},
}

var (
	catalogOnce sync.Once
	catalog     []Scope
	byName      map[string]Scope
)

// buildCatalog assembles the catalog once; it is read on every keystroke of
// the scope filter and must not be rebuilt there.
func buildCatalog() {
	catalog = append(catalog, classicConfluence...)
	verbs := map[byte][2]string{'r': {"read", "Read"}, 'w': {"write", "Create and change"}, 'd': {"delete", "Delete"}}
	for _, o := range granularObjects {
		for i := 0; i < len(o.actions); i++ {
			v := verbs[o.actions[i]]
			catalog = append(catalog, Scope{
				Name:        v[0] + ":" + o.name + ":confluence",
				Description: v[1] + " " + o.what,
				Group:       GroupConfluenceGranular,
			})
		}
	}
	catalog = append(catalog, jiraClassic...)
	catalog = append(catalog, identity...)
	byName = make(map[string]Scope, len(catalog))
	for _, s := range catalog {
		byName[s.Name] = s
	}
}

// Catalog lists every scope authwiz knows, grouped, in display order. The
// slice is shared: do not change it.
func Catalog() []Scope {
	catalogOnce.Do(buildCatalog)
	return catalog
}

// LookupScope finds a scope by its exact name.
func LookupScope(name string) (Scope, bool) {
	catalogOnce.Do(buildCatalog)
	s, ok := byName[name]
	return s, ok
}

// KnownScope reports whether authwiz knows the scope; it fits
// validate.Scopes' known parameter.
func KnownScope(name string) bool {
	_, ok := LookupScope(name)
	return ok
}

// IsConfluenceScope reports whether a scope belongs to the Confluence API.
func IsConfluenceScope(name string) bool { return strings.Contains(name, "confluence") }

// Presets are the named scope sets offered in the wizard. Each includes
// offline_access. The slice is shared: do not change it.
func Presets() []Preset { return presets }
