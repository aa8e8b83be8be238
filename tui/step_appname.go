package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/validate"
)

// appNameStep is step 5: the app's name in the console (the guide's
// suggestion, to copy), the developer terms and Create.
type appNameStep struct {
	stepBase
	name editableValue
}

var appNameCheck = checkpoint{step: stepAppName, label: "I named the app, agreed to the terms and clicked Create"}

var copyKey = binding("c", "copy")

func (s *appNameStep) guide(c *stepContext) string {
	return "In the new app's form, put the name below into Name" + c.onScreen(" (c copies it)") + ". " +
		"For the grant type, choose Resource-level grant: the consent then covers only the site you " +
		"select on the consent page (an Account-level grant covers every site where the app is installed). " +
		"Tick the box that you agree to Atlassian's developer terms, then click Create. The app's own page opens." +
		rehearsalConsoleNote(c)
}

func (s *appNameStep) enter(c *stepContext) tea.Cmd {
	s.name.start(c.styles, c.draft.Profile.AppName)
	return nil
}

func (s *appNameStep) restyle(st *Styles) { s.name.input.SetStyles(st.Input) }

func (s *appNameStep) typing() bool { return s.name.editing }

func (s *appNameStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	if cmd, handled := s.name.update(msg, c.width, func(v string) { c.draft.Profile.AppName = v }); handled {
		return cmd, true
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, copyKey):
			return c.fx.copy("the app name", validate.AppName(c.draft.Profile.AppName)), true
		case key.Matches(k, openConsoleKey):
			return c.fx.open(atlassian.DeveloperConsoleURL), true
		}
	}
	return nil, appNameCheck.update(c, msg)
}

func (s *appNameStep) validate(c *stepContext) verdict {
	r := validate.AppName(c.draft.Profile.AppName)
	v := fieldVerdict(r, func(d *draft, v string) { d.Profile.AppName = v })
	return v.then(appNameCheck.validate(c))
}

func (s *appNameStep) keys(*stepContext) []key.Binding {
	if s.name.editing {
		return s.name.keys()
	}
	return append([]key.Binding{copyKey}, append(s.name.keys(), openConsoleKey, tickKey)...)
}

func (s *appNameStep) view(c *stepContext) string {
	st := c.styles
	return st.Label.Render("App name") + "\n" + s.name.view(st, c.draft.Profile.AppName, c.width) +
		"\n\n" + appNameCheck.view(c)
}

func (s *appNameStep) modal() bool { return s.name.editing }

func (s *appNameStep) copyables(c *stepContext) []string {
	return s.name.copyables(c.draft.Profile.AppName)
}

// lines asks for the name; answering is the checkpoint.
func (s *appNameStep) lines(c *stepContext, p *prompter) error {
	c.draft.Confirmed[stepAppName] = true
	return p.field(c, s, "App name", func(d *draft) *string { return &d.Profile.AppName })
}
