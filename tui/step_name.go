package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
	"github.com/authwiz/authwiz/internal/validate"
)

// authTypes are the authentication types authwiz can take from set-up to
// working tokens. The Integration Builder offers more; listing only what
// works end to end keeps anyone from picking a dead end.
var authTypes = []struct{ id, label, about string }{
	{profile.TypeOAuth2, "OAuth2", "Atlassian OAuth 2.0 (3LO)"},
}

// appSources are the two ways to an app: the guide's (create one in the
// console) and the one Atlassian asks for (use the app that exists).
var appSources = [2]string{
	"New: create it in the Developer Console",
	"Existing: made by my organisation or vendor",
}

// nameRow is what has the keyboard on step 2.
type nameRow int

const (
	rowName nameRow = iota
	rowSource
	rowFile
)

// nameStep is step 2: the authentication type, the profile's name, and
// where the app comes from. An app that exists already skips the console
// steps; its settings can come from a file `authwiz export` wrote.
type nameStep struct {
	stepBase
	name, file textinput.Model
	row        nameRow
	importing  bool
	importErr  string
}

var (
	nameRowKeys = binding("↑/↓", "switch field", "up", "down")
	sourceKey   = binding("space", "switch", "space", "left", "right")
	importKey   = binding("enter", "import the file")
)

func (s *nameStep) guide(c *stepContext) string {
	text := "Choose the kind of authentication and a name you will recognise later, in lists and " +
		"in commands such as `" + programCommand("token NAME") + "`."
	if c.draft.EditOf != "" {
		return text + " The guide's name is filled in; keep it or type your own."
	}
	return text + " Then create an app, or use one that exists (as Atlassian's rules prefer)."
}

func (s *nameStep) enter(c *stepContext) tea.Cmd {
	s.name = newInput(c.styles, "a name you will recognise")
	s.name.SetValue(c.draft.Profile.Name)
	s.file = newInput(c.styles, "a file from "+programCommand("export")+", or empty to type the Client ID later")
	s.file.SetValue(c.draft.ImportPath)
	s.importErr, s.importing = "", false
	return s.focus(rowName)
}

func (s *nameStep) focus(r nameRow) tea.Cmd {
	s.row = r
	s.name.Blur()
	s.file.Blur()
	switch r {
	case rowName:
		return s.name.Focus()
	case rowFile:
		return s.file.Focus()
	}
	return nil
}

func (s *nameStep) restyle(st *Styles) {
	s.name.SetStyles(st.Input)
	s.file.SetStyles(st.Input)
}

func (s *nameStep) typing() bool { return s.row != rowSource }

// rows are the rows the admin can move to: the file only for an app that
// exists, and the choice only for a new profile (a saved one has its app).
func (s *nameStep) rows(c *stepContext) []nameRow {
	switch {
	case c.draft.EditOf != "":
		return []nameRow{rowName}
	case c.draft.ExistingApp:
		return []nameRow{rowName, rowSource, rowFile}
	}
	return []nameRow{rowName, rowSource}
}

func (s *nameStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case importedMsg:
		return nil, s.imported(c, msg)
	case tea.KeyPressMsg:
		rows := s.rows(c)
		switch {
		case key.Matches(msg, upKey) && s.row > rows[0]:
			return s.focus(s.row - 1), true
		case key.Matches(msg, downKey) && s.row < rows[len(rows)-1]:
			return s.focus(s.row + 1), true
		case s.row == rowSource && key.Matches(msg, sourceKey):
			c.draft.useExistingApp(!c.draft.ExistingApp)
			return nil, true
		case s.row == rowFile && key.Matches(msg, importKey) && s.pendingImport(c):
			return s.startImport(c), true
		}
	}
	switch s.row {
	case rowName:
		cmd, handled := updateInput(&s.name, msg, c.width, fieldIndent)
		c.draft.Profile.Name = s.name.Value()
		return cmd, handled
	case rowFile:
		before := s.file.Value()
		cmd, handled := updateInput(&s.file, msg, c.width, fieldIndent)
		c.draft.ImportPath = strings.TrimSpace(s.file.Value())
		if s.file.Value() != before {
			// Only a new path makes the error old news: pgdown, pressed
			// to read it in a small window, comes here too.
			s.importErr = ""
		}
		return cmd, handled
	}
	return nil, false
}

func (s *nameStep) validate(c *stepContext) verdict {
	r := validate.ProfileName(c.draft.Profile.Name, profile.Names(c.saved.profiles), c.draft.EditOf)
	v := fieldVerdict(r, func(d *draft, v string) { d.Profile.Name = v })
	if c.draft.ExistingApp && s.pendingImport(c) {
		v = v.then(verdict{err: "Press enter on the file to import it, or empty the field to type the Client ID and secret on step " +
			fmt.Sprint(stepCredentials.number()) + "."})
	}
	return v
}

func (s *nameStep) keys(c *stepContext) []key.Binding {
	var keys []key.Binding
	if len(s.rows(c)) > 1 {
		keys = append(keys, nameRowKeys)
	}
	switch {
	case s.row == rowSource:
		keys = append(keys, sourceKey)
	case s.row == rowFile && s.pendingImport(c):
		keys = append(keys, importKey)
	}
	return keys
}

func (s *nameStep) view(c *stepContext) string {
	st := c.styles
	// One type only, so one line: the room goes to the fields.
	out := "  " + st.Label.Render("Type") + " "
	for _, t := range authTypes {
		out += hang("(•) "+t.label+" — "+t.about, c.width-7, 7) + "\n"
	}
	out += "\n" + labelled(st, "Name", s.name, c.width)
	if c.draft.EditOf != "" {
		return out
	}
	mark := "  "
	if s.row == rowSource {
		mark = st.Selected.Render("› ")
	}
	out += "\n\n" + mark + st.Label.Render("App") + "\n"
	for i, label := range appSources {
		dot := " "
		if (i == 1) == c.draft.ExistingApp {
			dot = "•"
		}
		out += "  (" + dot + ") " + hang(label, c.width, 6) + "\n"
	}
	if !c.draft.ExistingApp {
		return strings.TrimSuffix(out, "\n")
	}
	out += "\n" + labelled(st, "Settings file (optional)", s.file, c.width)
	switch {
	case s.importing:
		out += "\n  " + st.Subtle.Render("Reading the file…")
	case s.importErr != "":
		out += "\n" + st.Error.Render(wrap("✗ "+s.importErr, c.width))
	case c.draft.ImportedFrom != "":
		out += "\n" + st.Success.Render(hang("✓ "+importedSummary(c.draft), c.width, 2))
	}
	return out
}

// lines asks for the name, then (for a new profile) where the app comes
// from and the file to import its settings from.
func (s *nameStep) lines(c *stepContext, p *prompter) error {
	if err := p.field(c, s, "Name", func(d *draft) *string { return &d.Profile.Name }); err != nil {
		return err
	}
	if c.draft.EditOf != "" {
		return nil
	}
	def := "n"
	if c.draft.ExistingApp {
		def = "y"
	}
	answer, err := p.ask("Does the app exist already, created by your organisation or vendor? y/n (n: create it in the Developer Console)", def)
	if err != nil {
		return err
	}
	c.draft.useExistingApp(strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y"))
	for c.draft.ExistingApp {
		path, err := p.ask("Settings file from "+programCommand("export")+" (empty: type the Client ID and secret on step "+
			fmt.Sprint(stepCredentials.number())+")", c.draft.ImportedFrom)
		c.draft.ImportPath = path
		if err != nil || path == "" || path == c.draft.ImportedFrom {
			return err
		}
		in, err := setup.ReadSettingsFile(path)
		if err != nil {
			p.say("Error: %s", validate.Sanitize(err.Error()))
			continue
		}
		importInto(c, in, path)
		p.say("%s", importedSummary(c.draft))
		return nil
	}
	return nil
}
