package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/atlassian"
)

// consoleStep is a guide step done entirely in the Atlassian Developer
// Console: what to click, a key to open the console, and a checkpoint.
// Steps 3, 4 and 6 are this; step 5 adds the app name to it.
type consoleStep struct {
	stepBase
	text  func(c *stepContext) string
	check checkpoint
}

var openConsoleKey = binding("o", "open the console")

func consoleDeveloper() step {
	return &consoleStep{
		text: func(c *stepContext) string {
			return "Open the Atlassian Developer Console" + c.onScreen(" (o opens it in your browser)") +
				" and log in with the Atlassian account that should own the app. It needs to be allowed " +
				"to manage your Confluence site. The app stays private to that account: the consent on step " +
				strconv.Itoa(stepSave.number()) + " must be given by it too (unless you turn on sharing under Distribution). " +
				"After logging in you see the My apps list."
		},
		check: checkpoint{step: stepConsole, label: "I am logged in and see My apps"},
	}
}

func consoleCreate() step {
	return &consoleStep{
		text: func(*stepContext) string {
			return "On My apps, click Create and choose OAuth 2.0 integration from the menu. " +
				"A form for the new app opens.\n\n" + complianceNotice
		},
		check: checkpoint{step: stepCreate, label: "The form for a new OAuth 2.0 integration is open"},
	}
}

func consoleEnable3LO() step {
	return &consoleStep{
		text: func(*stepContext) string {
			return "In the new app's menu on the left, open Authorization. Next to OAuth 2.0 (3LO), " +
				"click Configure (an older console reads Add). The page now asks for a " +
				"Callback URL: the next step gives you the one to use."
		},
		check: checkpoint{step: stepEnable3LO, label: "OAuth 2.0 (3LO) is configured and asks for a Callback URL"},
	}
}

// complianceNotice is Atlassian's own rule about set-ups like this one, said
// where the admin is about to create the app, so the choice is made knowing it.
const complianceNotice = "Atlassian says apps that instruct customers to create individual 3LO apps " +
	"don't comply with its security requirements and Acceptable use policy (README: \"Atlassian's rules\"). " +
	"If your organisation or vendor already has an app, go back to step 2 and use it instead."

func (s *consoleStep) guide(c *stepContext) string     { return s.text(c) + rehearsalConsoleNote(c) }
func (s *consoleStep) enter(*stepContext) tea.Cmd      { return nil }
func (s *consoleStep) validate(c *stepContext) verdict { return s.check.validate(c) }

func (s *consoleStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, openConsoleKey) {
		return c.fx.open(atlassian.DeveloperConsoleURL), true
	}
	return nil, s.check.update(c, msg)
}

func (s *consoleStep) keys(*stepContext) []key.Binding { return []key.Binding{openConsoleKey, tickKey} }

func (s *consoleStep) copyables(*stepContext) []string {
	return []string{atlassian.DeveloperConsoleURL}
}

func (s *consoleStep) view(c *stepContext) string { return consoleLink(c) + "\n\n" + s.check.view(c) }

// lines gives the console's address, which line mode cannot open, before
// asking for the checkpoint.
func (s *consoleStep) lines(c *stepContext, p *prompter) error {
	p.say("Developer Console: %s", atlassian.DeveloperConsoleURL)
	return s.check.lines(c, p)
}

// consoleLink shows the console's address in full and as a hyperlink.
func consoleLink(c *stepContext) string {
	return c.styles.Label.Render("Developer Console") + "\n" + c.styles.link(atlassian.DeveloperConsoleURL, c.width)
}

// rehearsalConsoleNote tells a rehearsing admin what to do with the steps
// that happen in the Developer Console, which the rehearsal has no copy of.
func rehearsalConsoleNote(c *stepContext) string {
	return c.target.note("\n\nRehearsal: there is no console to open here. Read what you would do, then " +
		c.either("tick the box.", "press Enter."))
}
