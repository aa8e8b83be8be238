package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/setup"
)

// scopesStep is step 11: the exact scope string sent with the consent,
// made from step 8's choice plus offline_access, and editable.
type scopesStep struct {
	stepBase
	text textinput.Model
}

var restoreScopesKey = binding("ctrl+r", "add offline_access back")

func (s *scopesStep) guide(*stepContext) string {
	return "This is the scope string sent when you consent: your choice from step " + fmt.Sprint(stepPermissions.number()) +
		", separated by spaces, plus offline_access, which makes Atlassian give a refresh token so authwiz can keep " +
		"the connection alive. Change it only if the integration's own guide asks for other scopes."
}

func (s *scopesStep) enter(c *stepContext) tea.Cmd {
	s.text = newInput(c.styles, "read:confluence-content.all offline_access")
	s.text.SetValue(strings.Join(c.draft.Profile.Scopes, " "))
	s.text.CursorEnd()
	return s.text.Focus()
}

func (s *scopesStep) restyle(st *Styles) { s.text.SetStyles(st.Input) }
func (s *scopesStep) typing() bool       { return true }

func (s *scopesStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	d := c.draft
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, restoreScopesKey) && d.OfflineRemoved {
		d.OfflineRemoved = false
		d.setConsoleScopes(d.consoleScopes())
		s.text.SetValue(strings.Join(d.Profile.Scopes, " "))
		s.text.CursorEnd()
		return nil, true
	}
	cmd, handled := updateInput(&s.text, msg, c.width, fieldIndent)
	s.take(d, s.text.Value())
	return cmd, handled
}

// take stores a typed scope string; taking offline_access out is
// remembered, so picking scopes again does not quietly put it back.
func (s *scopesStep) take(d *draft, text string) {
	d.Profile.Scopes = strings.Fields(text)
	d.OfflineRemoved = !slices.Contains(d.Profile.Scopes, atlassian.OfflineAccess)
}

func (s *scopesStep) validate(c *stepContext) verdict {
	r := setup.Scopes(c.draft.Profile.Scopes)
	v := verdict{warnings: warningTexts(r.Warnings)}
	if r.Err != nil {
		v.err = r.Err.Message
	}
	v.apply = func(d *draft) { d.Profile.Scopes = r.Scopes }
	return v
}

func (s *scopesStep) keys(c *stepContext) []key.Binding {
	if c.draft.OfflineRemoved {
		return []key.Binding{restoreScopesKey}
	}
	return nil
}

func (s *scopesStep) view(c *stepContext) string {
	st := c.styles
	n := len(c.draft.Profile.Scopes)
	return labelled(st, "Scopes", s.text, c.width) + "\n  " +
		st.Subtle.Render(hang(fmt.Sprintf("%d scopes: %s", n, strings.Join(c.draft.Profile.Scopes, " · ")), c.width, 2))
}

func (s *scopesStep) lines(c *stepContext, p *prompter) error {
	for {
		answer, err := p.ask("Scopes", strings.Join(c.draft.Profile.Scopes, " "))
		if err != nil {
			return err
		}
		s.take(c.draft, answer)
		if p.check(c, s) {
			return nil
		}
	}
}
