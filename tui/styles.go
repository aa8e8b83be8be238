package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Styles is every style the wizard uses, built once from the terminal's
// background so text stays readable on light and dark themes. Colours are
// downsampled (or dropped, under NO_COLOR) by the renderer's colour
// profile, so nothing here depends on colour to make sense: marks like ✓
// and ✗ carry the meaning.
type Styles struct {
	isDark bool

	Title    lipgloss.Style
	Subtle   lipgloss.Style
	Label    lipgloss.Style
	Value    lipgloss.Style
	Link     lipgloss.Style
	Key      lipgloss.Style
	Selected lipgloss.Style
	Error    lipgloss.Style
	Warning  lipgloss.Style
	Success  lipgloss.Style

	StepDone    lipgloss.Style
	StepCurrent lipgloss.Style
	StepTodo    lipgloss.Style
	Sidebar     lipgloss.Style
	Dialog      lipgloss.Style

	Help  help.Styles
	Input textinput.Styles
}

// newStyles builds the styles for a dark or a light background.
func newStyles(isDark bool) Styles {
	c := lipgloss.LightDark(isDark)
	accent := c(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A78BFA"))
	subtle := c(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8A8A8A"))
	red := c(lipgloss.Color("#B3261E"), lipgloss.Color("#F2716B"))
	yellow := c(lipgloss.Color("#8A5A00"), lipgloss.Color("#E5C07B"))
	green := c(lipgloss.Color("#1E7A34"), lipgloss.Color("#7FD88F"))
	blue := c(lipgloss.Color("#0B5CAD"), lipgloss.Color("#7AB8FF"))

	input := textinput.DefaultStyles(isDark)
	input.Focused.Prompt = lipgloss.NewStyle().Foreground(accent)
	// A steady cursor: blinking redraws the screen twice a second for nothing.
	input.Cursor.Blink = false
	return Styles{
		isDark:      isDark,
		Title:       lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtle:      lipgloss.NewStyle().Foreground(subtle),
		Label:       lipgloss.NewStyle().Bold(true),
		Value:       lipgloss.NewStyle().Foreground(accent),
		Link:        lipgloss.NewStyle().Foreground(blue).Underline(true),
		Key:         lipgloss.NewStyle().Bold(true),
		Selected:    lipgloss.NewStyle().Foreground(accent).Bold(true),
		Error:       lipgloss.NewStyle().Foreground(red),
		Warning:     lipgloss.NewStyle().Foreground(yellow),
		Success:     lipgloss.NewStyle().Foreground(green),
		StepDone:    lipgloss.NewStyle().Foreground(green),
		StepCurrent: lipgloss.NewStyle().Foreground(accent).Bold(true),
		StepTodo:    lipgloss.NewStyle().Foreground(subtle),
		Sidebar:     lipgloss.NewStyle().PaddingRight(2).MarginRight(1).Border(lipgloss.NormalBorder(), false, true, false, false).BorderForeground(subtle),
		Dialog:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(yellow).Padding(0, 1),
		Help:        help.DefaultStyles(isDark),
		Input:       input,
	}
}

// link renders url as an OSC 8 hyperlink whose visible text is the full
// URL, shown as copyable shows values (never cut), so it can be clicked
// where supported and read or selected anywhere.
func (s Styles) link(url string, width int) string {
	return copyable(s.Link.Hyperlink(url), url, width)
}
