package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
)

// consoleStep is a guide step done entirely in the Atlassian Developer
// Console: what to click, a key to open the console, and a checkpoint.
// Steps 3, 4 and 6 are this; step 5 adds the app name to it.
type consoleStep struct {
	name  string
	text  string
	check checkpoint
}

var openConsoleKey = binding("o", "open the console")

func consoleDeveloper() *consoleStep {
	return &consoleStep{
		name: "Developer Console",
		text: "Open the Atlassian Developer Console (o opens it in your browser) and log in with the " +
			"Atlassian account that should own the app. It needs to be allowed to manage your " +
			"Confluence site. After logging in you see the My apps list.",
		check: checkpoint{step: 3, label: "I am logged in and see My apps"},
	}
}

func consoleCreate() *consoleStep {
	return &consoleStep{
		name: "Create app",
		text: "On My apps, click Create and choose OAuth 2.0 integration from the menu. " +
			"A form for the new app opens.",
		check: checkpoint{step: 4, label: "The form for a new OAuth 2.0 integration is open"},
	}
}

func consoleEnable3LO() *consoleStep {
	return &consoleStep{
		name: "Enable OAuth 2.0",
		text: "In the new app's menu on the left, open Authorization. On the OAuth 2.0 (3LO) row, " +
			"click Add (it reads Configure when it was added before). The page now asks for a " +
			"Callback URL: the next step gives you the one to use.",
		check: checkpoint{step: 6, label: "OAuth 2.0 (3LO) is added and asks for a Callback URL"},
	}
}

func (s *consoleStep) title() string              { return s.name }
func (s *consoleStep) guide(w *wizard) string     { return s.text + rehearsalConsoleNote(w) }
func (s *consoleStep) enter(*wizard) tea.Cmd      { return nil }
func (s *consoleStep) validate(w *wizard) verdict { return s.check.validate(w) }

func (s *consoleStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, openConsoleKey) {
		return w.openURL(atlassian.DeveloperConsoleURL), true
	}
	return nil, s.check.update(w, msg)
}

func (s *consoleStep) keys(*wizard) []key.Binding { return []key.Binding{openConsoleKey, tickKey} }

func (s *consoleStep) view(w *wizard) string { return consoleLink(w) + "\n\n" + s.check.view(w) }

// consoleLink shows the console's address in full and as a hyperlink.
func consoleLink(w *wizard) string {
	return w.styles.Label.Render("Developer Console") + "\n" + w.styles.link(atlassian.DeveloperConsoleURL, w.mainWidth())
}
