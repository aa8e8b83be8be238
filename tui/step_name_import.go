package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
	"github.com/authwiz/authwiz/internal/validate"
)

// Step 2's import: the settings of an app that exists, read from a file
// `authwiz export` wrote, fill the draft so the console steps can be
// skipped.

// importedMsg carries the settings read from the file at path.
type importedMsg struct {
	path string
	in   setup.Input
	err  error
}

// pendingImport: a file is named that has not been imported yet.
func (s *nameStep) pendingImport(c *stepContext) bool {
	path := c.draft.ImportPath
	return path != "" && path != c.draft.ImportedFrom
}

// startImport reads the named file in the background.
func (s *nameStep) startImport(c *stepContext) tea.Cmd {
	s.importing, s.importErr = true, ""
	path := c.draft.ImportPath
	return func() tea.Msg {
		in, err := setup.ReadSettingsFile(path)
		return importedMsg{path: path, in: in, err: err}
	}
}

// imported takes in the file's settings, unless the field names another
// file by now.
func (s *nameStep) imported(c *stepContext, msg importedMsg) bool {
	if msg.path != c.draft.ImportPath {
		return true
	}
	s.importing = false
	if msg.err != nil {
		s.importErr = validate.Sanitize(msg.err.Error())
		return true
	}
	importInto(c, msg.in, msg.path)
	s.name.SetValue(c.draft.Profile.Name)
	return true
}

// importInto fills the draft with an imported app's settings. The file's
// profile name replaces only the default one: a name the admin typed stays.
func importInto(c *stepContext, in setup.Input, from string) {
	d := c.draft
	taken := profile.Names(c.saved.profiles)
	if in.Name != "" && d.Profile.Name == uniqueName(defaultProfileName, taken) {
		d.Profile.Name = uniqueName(validate.Clean(in.Name), taken)
	}
	d.importApp(in, from)
}

// importedSummary says what came from the file, so the admin can tell it
// is the right app before going on.
func importedSummary(d *draft) string {
	p := d.Profile
	return validate.Sanitize(fmt.Sprintf("Imported %s: Client ID %s, Callback URL %s, %s. Steps 3–6 are skipped.",
		d.ImportedFrom, p.ClientID, p.RedirectURL, countNoun(len(d.consoleScopes()), "1 scope", "%d scopes")))
}
