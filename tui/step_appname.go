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
	name  editableValue
	check checkpoint
}

func newAppNameStep() *appNameStep {
	return &appNameStep{check: checkpoint{step: 5, label: "I named the app, agreed to the terms and clicked Create"}}
}

var copyKey = binding("c", "copy")

func (s *appNameStep) title() string { return "App name" }

func (s *appNameStep) guide(w *wizard) string {
	return "In the new app's form, put the name below into Name (c copies it). Tick the box that " +
		"you agree to Atlassian's developer terms, then click Create. The app's own page opens." +
		rehearsalConsoleNote(w)
}

func (s *appNameStep) enter(w *wizard) tea.Cmd {
	s.name.start(w.styles, w.draft.Profile.AppName)
	return nil
}

func (s *appNameStep) restyle(st Styles) { s.name.input.SetStyles(st.Input) }

func (s *appNameStep) typing() bool { return s.name.editing }

func (s *appNameStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if cmd, handled := s.name.update(msg, func(v string) { w.draft.Profile.AppName = v }); handled {
		return cmd, true
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, copyKey):
			return w.copyText("the app name", validate.Clean(w.draft.Profile.AppName)), true
		case key.Matches(k, openConsoleKey):
			return w.openURL(atlassian.DeveloperConsoleURL), true
		}
	}
	return nil, s.check.update(w, msg)
}

func (s *appNameStep) validate(w *wizard) verdict {
	r := validate.AppName(w.draft.Profile.AppName)
	v := fieldVerdict(r, func(d *draft, v string) { d.Profile.AppName = v })
	return v.then(s.check.validate(w))
}

func (s *appNameStep) keys(*wizard) []key.Binding {
	if s.name.editing {
		return s.name.keys()
	}
	return append([]key.Binding{copyKey}, append(s.name.keys(), openConsoleKey, tickKey)...)
}

func (s *appNameStep) view(w *wizard) string {
	st := w.styles
	return st.Label.Render("App name") + "\n" + s.name.view(st, w.draft.Profile.AppName, w.mainWidth()) +
		"\n\n" + s.check.view(w)
}

func (s *appNameStep) modal() bool { return s.name.editing }
