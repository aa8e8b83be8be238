package tui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// authTypes are the authentication types authwiz can take from set-up to
// working tokens. The Integration Builder offers more; listing only what
// works end to end keeps anyone from picking a dead end.
var authTypes = []struct{ id, label, about string }{
	{profile.TypeOAuth2, "OAuth2", "Atlassian OAuth 2.0 (3LO): you consent once, authwiz keeps the tokens fresh"},
}

// nameStep is step 2: the authentication type and the profile's name.
type nameStep struct {
	stepBase
	name textinput.Model
}

func (s *nameStep) guide(*stepContext) string {
	return "Choose the kind of authentication and a name you will recognise later, in lists and " +
		"in commands such as `authwiz token NAME`. The guide's name is filled in; keep it or type your own."
}

func (s *nameStep) enter(c *stepContext) tea.Cmd {
	s.name = newInput(c.styles, "a name you will recognise")
	s.name.SetValue(c.draft.Profile.Name)
	return s.name.Focus()
}

func (s *nameStep) restyle(st Styles) { s.name.SetStyles(st.Input) }

func (s *nameStep) typing() bool { return true }

func (s *nameStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	cmd, handled := updateInput(&s.name, msg, c.width, fieldIndent)
	c.draft.Profile.Name = s.name.Value()
	return cmd, handled
}

func (s *nameStep) validate(c *stepContext) verdict {
	r := validate.ProfileName(c.draft.Profile.Name, profile.Names(c.saved.profiles), c.draft.EditOf)
	return fieldVerdict(r, func(d *draft, v string) { d.Profile.Name = v })
}

func (s *nameStep) view(c *stepContext) string {
	st := c.styles
	out := st.Label.Render("Type") + "\n"
	for _, t := range authTypes {
		out += st.Selected.Render("  (•) "+t.label) + "\n      " + st.Subtle.Render(hang(t.about, c.width, 6)) + "\n"
	}
	return out + "\n" + labelled(st, "Name", s.name, c.width)
}

func (s *nameStep) lines(c *stepContext, p *prompter) error {
	return p.field(c, s, "Name", func(d *draft) *string { return &d.Profile.Name })
}
