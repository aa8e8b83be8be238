package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// Below this width the step list gives its room to the screen and folds
// into the "Step N of 12" header.
const sidebarMinWidth = 80

// sidebarWidth fits "✓ 12 Save & authenticate" plus the separator.
const sidebarWidth = 28

// render lays out the frame: the step list beside the screen (wide
// terminals), the header, the guide text, the step's fields and messages,
// and the key help at the bottom, cut to the window.
func (w *wizard) render() string {
	mainWidth := w.mainWidth()
	helpView := w.helpLine()

	top := w.header() + "\n\n" + wrap(w.step().guide(w), mainWidth) + "\n"
	messages := w.messages(mainWidth)
	// The body gets what the header, guide, messages (with the blank line
	// before them) and the help line leave.
	room := w.height - lipgloss.Height(helpView) - 1 - lipgloss.Height(top)
	if messages != "" {
		room -= lipgloss.Height(messages) + 1
	}
	w.room = max(room, 3)

	var body string
	switch {
	case w.quit != nil:
		body = w.quitView()
	case w.jump != nil:
		body = w.jumpView()
	default:
		body = w.step().view(w)
	}
	main := top + "\n" + body
	if messages != "" {
		main += "\n\n" + messages
	}
	main = lipgloss.NewStyle().MaxWidth(mainWidth).Render(main)

	if w.width >= sidebarMinWidth {
		main = lipgloss.JoinHorizontal(lipgloss.Top, w.sidebar(), main)
	}
	mainHeight := max(w.height-lipgloss.Height(helpView)-1, 1)
	main = lipgloss.NewStyle().MaxHeight(mainHeight).Render(main)
	pad := mainHeight - lipgloss.Height(main)
	return main + strings.Repeat("\n", pad+1) + lipgloss.NewStyle().MaxWidth(w.width).Render(helpView)
}

// helpLine is the key help: the full list after ?, else one line cut to
// the width that always ends with the key for the full list.
func (w *wizard) helpLine() string {
	keys := w.helpKeys()
	if w.help.ShowAll || keys.more == nil {
		w.help.SetWidth(w.width)
		return w.help.View(keys)
	}
	tail := w.help.ShortHelpView([]key.Binding{*keys.more})
	sep := w.help.Styles.ShortSeparator.Render(w.help.ShortSeparator)
	w.help.SetWidth(max(w.width-lipgloss.Width(tail)-lipgloss.Width(sep), 10))
	return w.help.ShortHelpView(keys.ShortHelp()) + sep + tail
}

func (w *wizard) mainWidth() int {
	if w.width >= sidebarMinWidth {
		return w.width - sidebarWidth
	}
	return max(w.width, 20)
}

func (w *wizard) header() string {
	h := w.styles.Subtle.Render(fmt.Sprintf("Step %d of %d", w.cur+1, len(w.steps))) + "  " +
		w.styles.Title.Render(w.step().title())
	if w.deps.rehearsal != nil {
		h += "  " + w.styles.Warning.Render("[rehearsal]")
	}
	return h
}

// sidebar lists all twelve steps: done ✓, current ›, still to do.
func (w *wizard) sidebar() string {
	s := w.styles
	var b strings.Builder
	for i, st := range w.steps {
		label := fmt.Sprintf("%2d %s", i+1, st.title())
		switch {
		case i == w.cur:
			b.WriteString(s.StepCurrent.Render("› " + label))
		case i < w.reached:
			b.WriteString(s.StepDone.Render("✓ " + label))
		default:
			b.WriteString(s.StepTodo.Render("  " + label))
		}
		if i < len(w.steps)-1 {
			b.WriteByte('\n')
		}
	}
	return s.Sidebar.Width(sidebarWidth - 1).Render(b.String())
}

// messages are the step's inline error (once shown), its warnings and the
// latest notice.
func (w *wizard) messages(width int) string {
	s := w.styles
	var lines []string
	if w.quit == nil && w.jump == nil {
		v := w.step().validate(w)
		if v.err != "" && w.showErrors {
			lines = append(lines, s.Error.Render(wrap("✗ "+v.err, width)))
		}
		for _, warn := range v.warnings {
			lines = append(lines, s.Warning.Render(wrap("! "+warn, width)))
		}
	}
	if w.notice.text != "" {
		st := s.Success
		if w.notice.bad {
			st = s.Warning
		}
		lines = append(lines, st.Render(wrap(w.notice.text, width)))
	}
	return strings.Join(lines, "\n")
}

func (w *wizard) jumpView() string {
	s := w.styles
	var b strings.Builder
	b.WriteString(s.Label.Render("Go to a completed step") + "\n")
	for i := 1; i <= w.reached; i++ {
		line := fmt.Sprintf("%2d %s", i+1, w.steps[i].title())
		if i == w.jump.cursor {
			b.WriteString(s.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + line)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// wrap breaks text into lines no wider than width, at spaces.
func wrap(text string, width int) string {
	return lipgloss.Wrap(text, max(width, 10), "")
}

// hang wraps text to width with every line after the first indented by
// indent spaces, for values beside a label.
func hang(text string, width, indent int) string {
	lines := strings.Split(wrap(text, width-indent), "\n")
	return strings.Join(lines, "\n"+strings.Repeat(" ", indent))
}
