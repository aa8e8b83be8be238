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

// Preset is a named set of scopes for a common kind of integration. Each
// serves one version of the Confluence REST API, and its description says
// which: v1 takes classic scopes, while v2 refuses them ("Unauthorized;
// scope does not match") and needs granular ones.
type Preset struct {
	Name        string
	Description string
	// Note warns where the preset does not serve: a classic preset says
	// that Confluence REST API v2 refuses its scopes, the surprise an admin
	// meets only at the first v2 call. Empty for granular presets.
	Note   string
	Scopes []string
}

// classicNote is the Note of every classic preset.
const classicNote = "Confluence REST API v2 refuses classic scopes (it answers 401 \"Unauthorized; scope does not match\"): " +
	"for v2 endpoints choose granular read-only or granular scopes"

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

// granularConfluence says what each granular scope allows, object by
// object: the actions differ (labels are added and removed, inline tasks
// only marked done), and some write scopes also delete, so no template fits.
var granularConfluence = []Scope{
	{"read:analytics.content:confluence", "View analytics of content, such as views and viewers; not the content itself", GroupConfluenceGranular},
	{"read:app-data:confluence", "Read the properties data apps store", GroupConfluenceGranular},
	{"write:app-data:confluence", "Create, update and delete the properties data apps store", GroupConfluenceGranular},
	{"read:attachment:confluence", "View and download attachments of pages and blog posts", GroupConfluenceGranular},
	{"write:attachment:confluence", "Create and update attachments", GroupConfluenceGranular},
	{"delete:attachment:confluence", "Delete attachments", GroupConfluenceGranular},
	{"read:audit-log:confluence", "View and export the audit records of Confluence events", GroupConfluenceGranular},
	{"write:audit-log:confluence", "Add records to the audit log", GroupConfluenceGranular},
	{"read:blogpost:confluence", "View blog posts", GroupConfluenceGranular},
	{"write:blogpost:confluence", "Create and update blog posts", GroupConfluenceGranular},
	{"delete:blogpost:confluence", "Delete blog posts", GroupConfluenceGranular},
	{"read:comment:confluence", "View comments on pages and blog posts", GroupConfluenceGranular},
	{"write:comment:confluence", "Create and update comments", GroupConfluenceGranular},
	{"delete:comment:confluence", "Delete comments", GroupConfluenceGranular},
	{"read:configuration:confluence", "View Confluence settings, themes and system information", GroupConfluenceGranular},
	{"write:configuration:confluence", "Update Confluence settings, the global look and feel included", GroupConfluenceGranular},
	{"read:content:confluence", "View content of every kind: pages, blog posts, comments, attachments, whiteboards and more", GroupConfluenceGranular},
	{"write:content:confluence", "Create and update content of every kind, and its properties", GroupConfluenceGranular},
	{"delete:content:confluence", "Delete content of every kind", GroupConfluenceGranular},
	{"read:content-details:confluence", "View details of content and its properties", GroupConfluenceGranular},
	{"read:content.metadata:confluence", "View summaries of content; not the content itself", GroupConfluenceGranular},
	{"read:content.permission:confluence", "Check whether a user or group may do something with a piece of content", GroupConfluenceGranular},
	{"read:content.property:confluence", "View properties stored on content", GroupConfluenceGranular},
	{"write:content.property:confluence", "Create, update and delete properties stored on content", GroupConfluenceGranular},
	{"read:content.restriction:confluence", "View the restrictions on content", GroupConfluenceGranular},
	{"write:content.restriction:confluence", "Update the restrictions on content", GroupConfluenceGranular},
	{"read:custom-content:confluence", "View custom content made by apps", GroupConfluenceGranular},
	{"write:custom-content:confluence", "Create and update custom content", GroupConfluenceGranular},
	{"delete:custom-content:confluence", "Delete custom content", GroupConfluenceGranular},
	{"read:database:confluence", "View databases", GroupConfluenceGranular},
	{"write:database:confluence", "Create and update databases", GroupConfluenceGranular},
	{"delete:database:confluence", "Delete databases", GroupConfluenceGranular},
	{"read:email-address:confluence", "View every user's email address, whatever their profile visibility settings", GroupConfluenceGranular},
	{"read:embed:confluence", "View Smart Links in the content tree", GroupConfluenceGranular},
	{"write:embed:confluence", "Create and update Smart Links in the content tree", GroupConfluenceGranular},
	{"delete:embed:confluence", "Delete Smart Links in the content tree", GroupConfluenceGranular},
	{"read:folder:confluence", "View folders", GroupConfluenceGranular},
	{"write:folder:confluence", "Create and update folders", GroupConfluenceGranular},
	{"delete:folder:confluence", "Delete folders", GroupConfluenceGranular},
	{"read:group:confluence", "View groups and their members", GroupConfluenceGranular},
	{"write:group:confluence", "Create, update and delete groups", GroupConfluenceGranular},
	{"read:hierarchical-content:confluence", "View children and descendants of pages, whiteboards, databases, folders and Smart Links", GroupConfluenceGranular},
	{"read:inlinetask:confluence", "Search and view inline tasks", GroupConfluenceGranular},
	{"write:inlinetask:confluence", "Mark inline tasks complete or not complete", GroupConfluenceGranular},
	{"read:label:confluence", "View the labels on content and spaces", GroupConfluenceGranular},
	{"write:label:confluence", "Add and remove labels on content and spaces", GroupConfluenceGranular},
	{"read:page:confluence", "View pages", GroupConfluenceGranular},
	{"write:page:confluence", "Create and update pages", GroupConfluenceGranular},
	{"delete:page:confluence", "Delete pages", GroupConfluenceGranular},
	{"read:permission:confluence", "View content restrictions and space permissions (REST API v2)", GroupConfluenceGranular},
	{"read:relation:confluence", "View relationships between two entities", GroupConfluenceGranular},
	{"write:relation:confluence", "Create and update relationships between two entities", GroupConfluenceGranular},
	{"read:space:confluence", "View spaces", GroupConfluenceGranular},
	{"write:space:confluence", "Create and update spaces", GroupConfluenceGranular},
	{"delete:space:confluence", "Delete spaces", GroupConfluenceGranular},
	{"read:space-details:confluence", "View details of spaces and their properties", GroupConfluenceGranular},
	{"read:space.permission:confluence", "View space permissions", GroupConfluenceGranular},
	{"write:space.permission:confluence", "Update space permissions", GroupConfluenceGranular},
	{"read:space.property:confluence", "View properties stored on spaces", GroupConfluenceGranular},
	{"write:space.property:confluence", "Create, update and delete properties stored on spaces", GroupConfluenceGranular},
	{"read:space.setting:confluence", "View space settings and themes", GroupConfluenceGranular},
	{"write:space.setting:confluence", "Update space settings and themes", GroupConfluenceGranular},
	{"read:task:confluence", "View Confluence tasks (REST API v2)", GroupConfluenceGranular},
	{"write:task:confluence", "Update Confluence tasks (REST API v2)", GroupConfluenceGranular},
	{"read:template:confluence", "View content templates", GroupConfluenceGranular},
	{"write:template:confluence", "Create, update and delete content templates", GroupConfluenceGranular},
	{"read:user:confluence", "View user details", GroupConfluenceGranular},
	{"read:user.property:confluence", "View properties stored on users", GroupConfluenceGranular},
	{"write:user.property:confluence", "Create, update and delete properties stored on users", GroupConfluenceGranular},
	{"read:watcher:confluence", "View who watches content, spaces or labels", GroupConfluenceGranular},
	{"write:watcher:confluence", "Add and remove watchers of content, spaces or labels", GroupConfluenceGranular},
	{"read:whiteboard:confluence", "View whiteboards", GroupConfluenceGranular},
	{"write:whiteboard:confluence", "Create and update whiteboards", GroupConfluenceGranular},
	{"delete:whiteboard:confluence", "Delete whiteboards", GroupConfluenceGranular},
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
		Description: "REST API v1: read and search pages, blog posts, comments, spaces and attachments",
		Note:        classicNote,
		Scopes: []string{"read:confluence-content.all", "read:confluence-content.summary", "read:confluence-space.summary",
			"read:confluence-user", "readonly:content.attachment:confluence", "search:confluence", OfflineAccess},
	},
	{
		Name:        "read-write",
		Description: "REST API v1: everything in read-only, plus creating and changing content and attachments",
		Note:        classicNote,
		Scopes: []string{"read:confluence-content.all", "read:confluence-content.summary", "read:confluence-space.summary",
			"read:confluence-user", "readonly:content.attachment:confluence", "search:confluence",
			"write:confluence-content", "write:confluence-file", "read:confluence-props", "write:confluence-props", OfflineAccess},
	},
	{
		Name:        "search",
		Description: "REST API v1: search content and show results with their spaces and authors",
		Note:        classicNote,
		Scopes:      []string{"search:confluence", "read:confluence-content.summary", "read:confluence-space.summary", "read:confluence-user", OfflineAccess},
	},
	{
		Name:        "granular read-only",
		Description: "REST API v2: read pages, blog posts, comments, attachments and spaces",
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
	catalog = append(catalog, granularConfluence...)
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
