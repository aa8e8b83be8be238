package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/validate"
)

// scopesStep is step 11: the exact scope string sent with the consent,
// made from step 8's choice plus offline_access, and editable.
type scopesStep struct {
	text textinput.Model
}

var restoreScopesKey = binding("ctrl+r", "add offline_access back")

func (s *scopesStep) title() string { return "Scopes" }

func (s *scopesStep) guide(*wizard) string {
	return "This is the scope string sent when you consent: your choice from step 8, separated by " +
		"spaces, plus offline_access, which makes Atlassian give a refresh token so authwiz can keep " +
		"the connection alive. Change it only if the integration's own guide asks for other scopes."
}

func (s *scopesStep) enter(w *wizard) tea.Cmd {
	s.text = newInput(w.styles, "read:confluence-content.all offline_access")
	s.text.SetValue(strings.Join(w.draft.Profile.Scopes, " "))
	s.text.CursorEnd()
	return s.text.Focus()
}

func (s *scopesStep) restyle(st Styles) { s.text.SetStyles(st.Input) }
func (s *scopesStep) typing() bool      { return true }

func (s *scopesStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, restoreScopesKey) && w.draft.OfflineRemoved {
		w.draft.OfflineRemoved = false
		w.draft.setConsoleScopes(w.draft.consoleScopes())
		s.text.SetValue(strings.Join(w.draft.Profile.Scopes, " "))
		s.text.CursorEnd()
		return nil, true
	}
	cmd, handled := updateInput(&s.text, msg)
	w.draft.Profile.Scopes = strings.Fields(s.text.Value())
	w.draft.OfflineRemoved = !slices.Contains(w.draft.Profile.Scopes, atlassian.OfflineAccess)
	return cmd, handled
}

func (s *scopesStep) validate(w *wizard) verdict {
	r := validate.Scopes(strings.Join(w.draft.Profile.Scopes, " "), atlassian.KnownScope)
	v := verdict{warnings: warningTexts(r.Warnings)}
	if r.Err != nil {
		v.err = r.Err.Message
	}
	v.apply = func(d *draft) { d.Profile.Scopes = r.Scopes }
	return v
}

func (s *scopesStep) keys(w *wizard) []key.Binding {
	if w.draft.OfflineRemoved {
		return []key.Binding{restoreScopesKey}
	}
	return nil
}

func (s *scopesStep) view(w *wizard) string {
	st := w.styles
	n := len(w.draft.Profile.Scopes)
	return labelled(st, "Scopes", s.text, w.mainWidth()) + "\n  " +
		st.Subtle.Render(wrap(fmt.Sprintf("%d scopes: %s", n, strings.Join(w.draft.Profile.Scopes, " · ")), w.mainWidth()-2))
}
