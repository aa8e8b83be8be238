package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Step 12's summary: every value of the profile, and what the admin should
// know before saving it.

// summaryWarnings are what the admin should know before saving: stale
// tokens, an app another profile uses too, and endpoints that send the
// secret or the consent somewhere unexpected.
func summaryWarnings(c *stepContext) []string {
	var out []string
	for _, w := range []string{staleWarning(c.draft), sharedAppWarning(c)} {
		if w != "" {
			out = append(out, w)
		}
	}
	return append(out, endpointWarnings(c)...)
}

// staleWarning says which changes the saved tokens were not granted for.
func staleWarning(d *draft) string {
	why := d.staleReasons()
	if len(why) == 0 {
		return ""
	}
	return "Changed since the last consent: " + strings.Join(why, ", ") +
		". The saved tokens were granted for the old values: authenticate again after saving."
}

// summaryRows are every field, the secret only as "set (•••• last 4)".
// Atlassian's own endpoints take one row; anything else is spelled out.
func summaryRows(d *draft) [][2]string {
	p := d.Profile
	rows := [][2]string{
		{"Name", p.Name},
		{"App name", p.AppName},
		{"Redirect URL", p.RedirectURL},
		{"Client ID", p.ClientID},
		{"Client secret", masked(d.secret())},
	}
	if atlassianEndpoints.match(p) {
		rows = append(rows, [2]string{"Endpoints", "Atlassian's"})
	} else {
		rows = append(rows, [2]string{"Authorization", p.AuthURL}, [2]string{"Token URL", p.TokenURL}, [2]string{"API base URL", p.APIBaseURL})
	}
	return append(rows, [2]string{"Scopes", strings.Join(p.Scopes, " ")})
}

// summaryIndent is where values start beside their labels.
const summaryIndent = 15

func summary(c *stepContext) string {
	var lines []string
	for _, r := range summaryRows(c.draft) {
		lines = append(lines, summaryLine(c, r[0], r[1]))
	}
	return strings.Join(lines, "\n")
}

// summaryLine is one value beside its label, or under it when a URL or a
// scope name would not fit beside it whole: a value broken inside a word
// reads as two values.
func summaryLine(c *stepContext, label, value string) string {
	if wordsFit(value, c.width-summaryIndent) {
		return c.styles.Label.Render(fmt.Sprintf("%-14s", label)) + " " + hang(value, c.width, summaryIndent)
	}
	out := c.styles.Label.Render(label) + "\n"
	if wordsFit(value, c.width-copyIndent) {
		return out + strings.Repeat(" ", copyIndent) + hang(value, c.width, copyIndent)
	}
	return out + copyable(lipgloss.NewStyle(), value, c.width)
}

// wordsFit: every space-separated word of text fits in width columns.
func wordsFit(text string, width int) bool {
	for _, w := range strings.Fields(text) {
		if ansi.StringWidth(w) > width {
			return false
		}
	}
	return true
}
