// Command minimaltea is the yardstick for authwiz's start-up: the smallest
// useful Bubble Tea v2 program, a title, a text input and a help line.
package main

import (
	"fmt"
	"os"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

type model struct {
	input textinput.Model
	help  help.Model
	quit  key.Binding
}

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.quit) {
		return m, tea.Quit
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

func (m model) View() tea.View {
	return tea.NewView("Minimal program\n\n" + m.input.View() + "\n\n" + m.help.ShortHelpView([]key.Binding{m.quit}))
}

func main() {
	input := textinput.New()
	input.Focus()
	m := model{input: input, help: help.New(), quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))}
	if _, err := tea.NewProgram(m).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
