package tui

import (
	"charm.land/bubbles/v2/key"
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
	name textinput.Model
}

func (s *nameStep) title() string { return "Type & name" }

func (s *nameStep) guide(*wizard) string {
	return "Choose the kind of authentication and a name you will recognise later, in lists and " +
		"in commands such as `authwiz token NAME`. The guide's name is filled in; keep it or type your own."
}

func (s *nameStep) enter(w *wizard) tea.Cmd {
	s.name = newInput(w.styles, "a name you will recognise")
	s.name.SetValue(w.draft.Profile.Name)
	return s.name.Focus()
}

func (s *nameStep) restyle(st Styles) { s.name.SetStyles(st.Input) }

func (s *nameStep) typing() bool { return true }

func (s *nameStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	cmd, handled := updateInput(&s.name, msg)
	w.draft.Profile.Name = s.name.Value()
	return cmd, handled
}

func (s *nameStep) validate(w *wizard) verdict {
	r := validate.ProfileName(w.draft.Profile.Name, profile.Names(w.start.profiles), w.draft.EditOf)
	return fieldVerdict(r, func(d *draft, v string) { d.Profile.Name = v })
}

func (s *nameStep) keys(*wizard) []key.Binding { return nil }

func (s *nameStep) view(w *wizard) string {
	st := w.styles
	out := st.Label.Render("Type") + "\n"
	for _, t := range authTypes {
		out += st.Selected.Render("  (•) "+t.label) + "\n      " + st.Subtle.Render(hang(t.about, w.mainWidth(), 6)) + "\n"
	}
	return out + "\n" + labelled(st, "Name", s.name, w.mainWidth())
}
