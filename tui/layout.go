package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Below this width the step list gives its room to the screen and folds
// into the "Step N of 12" header.
const sidebarMinWidth = 80

// sidebarWidth fits "✓ 12 Save & authenticate" plus the separator.
const sidebarWidth = 28

// frame is the fixed parts around a step's view: the header and guide on
// top, the messages below it, the key help at the bottom.
type frame struct {
	top, messages, help string
}

func (w *wizard) frame(c *stepContext) frame {
	top := w.header() + "\n"
	if w.quit == nil && w.jump == nil {
		// The quit dialog and the step list of ctrl+g are not about the
		// step: there the step's guide gives them its room, so their
		// choices (and the cursor, which pgdown cannot follow while they
		// have the keys) are never scrolled out of view.
		top += "\n" + wrap(w.step().guide(c), c.width) + "\n"
	}
	return frame{
		top:      top,
		messages: w.messages(c),
		help:     w.helpLine(c),
	}
}

// room is how many lines the frame leaves the step's view: the height
// less the header, guide, messages (with the blank line before them) and
// the help line.
func (f frame) room(height int) int {
	room := height - lipgloss.Height(f.help) - 1 - lipgloss.Height(f.top)
	if f.messages != "" {
		room -= lipgloss.Height(f.messages) + 1
	}
	return max(room, 3)
}

func (w *wizard) bodyRoom(c *stepContext) int { return w.frame(c).room(w.height) }

// render lays out the frame: the step list beside the screen (wide
// terminals), the header, the guide text, the step's fields and messages,
// and the key help at the bottom. What does not fit scrolls (pgup/pgdown)
// rather than being cut. It changes nothing.
func (w *wizard) render() string {
	sidebar := w.sidebarShown()
	c := w.ctxWidth(w.widthBeside(sidebar))
	f := w.frame(c)
	c.rooms = f.room(w.height)
	lines, room := w.bodyLines(c, f)
	main := f.top + "\n" + w.window(lines, room)
	main = lipgloss.NewStyle().MaxWidth(c.width).Render(main)

	if sidebar {
		main = lipgloss.JoinHorizontal(lipgloss.Top, w.sidebar(), main)
	}
	mainHeight := max(w.height-lipgloss.Height(f.help)-1, 1)
	main = lipgloss.NewStyle().MaxHeight(mainHeight).Render(main)
	pad := mainHeight - lipgloss.Height(main)
	return main + strings.Repeat("\n", pad+1) + lipgloss.NewStyle().MaxWidth(w.width).Render(f.help)
}

// bodyLines is what goes under the guide, line by line: the step (or the
// dialog over it) and its messages; room is how many lines fit.
func (w *wizard) bodyLines(c *stepContext, f frame) (lines []string, room int) {
	var body string
	switch {
	case w.quit != nil:
		body = w.quitView(c)
	case w.jump != nil:
		body = w.jumpView()
	default:
		body = w.step().view(c)
	}
	if f.messages != "" {
		body += "\n\n" + f.messages
	}
	room = max(w.height-lipgloss.Height(f.help)-1-lipgloss.Height(f.top), 3)
	return strings.Split(body, "\n"), room
}

// laidOutBody is the body as the next frame lays it out, for the moves
// of the scroll position: its lines and how many of them fit.
func (w *wizard) laidOutBody() (lines []string, room int) {
	c := w.frameCtx()
	f := w.frame(c)
	c.rooms = f.room(w.height)
	return w.bodyLines(c, f)
}

var (
	scrollUpKey   = binding("pgup", "scroll up")
	scrollDownKey = binding("pgdown", "scroll down")
)

// scrollBy moves the window over a body taller than its room by delta
// lines, within the body.
func (w *wizard) scrollBy(delta int) {
	lines, room := w.laidOutBody()
	w.scroll = max(min(w.scroll+delta, maxScroll(len(lines), room)), 0)
}

// followCursor scrolls the body, when it is taller than its room, so the
// line the cursor marks (›) and the one under it (a field's value) are in
// view: in a small window a field focused below the fold would otherwise
// take keys unseen.
func (w *wizard) followCursor() {
	lines, room := w.laidOutBody()
	at := slices.IndexFunc(lines, func(l string) bool {
		return strings.HasPrefix(strings.TrimLeft(ansi.Strip(l), " "), "› ")
	})
	if len(lines) <= room || at < 0 {
		return
	}
	last := min(at+1, len(lines)-1)
	if last >= w.scroll+room-2 { // the lines "more above" and "more below" take two
		w.scroll = last - room + 3
	}
	w.scroll = max(min(w.scroll, at, maxScroll(len(lines), room)), 0)
}

// maxScroll is the furthest the window goes: the last line shown under
// the "more above" line.
func maxScroll(lines, room int) int { return max(lines-(room-1), 0) }

// window is the part of the body lines that fits in room, from the
// scroll position, with a line above and below saying what is out of
// view and which key shows it.
func (w *wizard) window(lines []string, room int) string {
	if len(lines) <= room {
		return strings.Join(lines, "\n")
	}
	offset := max(min(w.scroll, maxScroll(len(lines), room)), 0)
	visible := room
	var above, below string
	if offset > 0 {
		visible--
		above = w.styles.Subtle.Render(fmt.Sprintf("↑ %d more lines above: pgup", offset))
	}
	if offset+visible < len(lines) {
		visible--
		below = w.styles.Subtle.Render(fmt.Sprintf("↓ %d more lines below: pgdown", len(lines)-offset-visible))
		if slices.ContainsFunc(lines[offset+visible:], isErrorLine) {
			// A refused enter must not look like a key that did nothing.
			below = w.styles.Error.Render(fmt.Sprintf("↓ %d more lines below, with what to fix: pgdown", len(lines)-offset-visible))
		}
	}
	out := lines[offset : offset+visible]
	if above != "" {
		out = append([]string{above}, out...)
	}
	if below != "" {
		out = append(out, below)
	}
	return strings.Join(out, "\n")
}

// isErrorLine: the line says what must be fixed before going on.
func isErrorLine(line string) bool { return strings.HasPrefix(ansi.Strip(line), "✗ ") }

// helpLine is the key help: the full list after ?, else one line cut to
// the width that always ends with the key for the full list.
func (w *wizard) helpLine(c *stepContext) string {
	keys := w.helpKeys(c)
	h := w.help // a copy: rendering sets its width
	if h.ShowAll {
		h.SetWidth(w.width)
		return h.View(keys)
	}
	if keys.more == nil {
		return shortHelp(h, keys.ShortHelp(), w.width)
	}
	tail := h.ShortHelpView([]key.Binding{*keys.more})
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	return shortHelp(h, keys.ShortHelp(), max(w.width-lipgloss.Width(tail)-lipgloss.Width(sep), 10)) + sep + tail
}

// shortHelp is the keys on one line of at most width cells, the ones that
// do not fit replaced by an ellipsis. help.Model cuts alike, except that
// when the ellipsis itself would not fit it keeps the next key whole and
// overruns the width, pushing the key for the full list off the screen.
func shortHelp(h help.Model, keys []key.Binding, width int) string {
	h.SetWidth(0)
	line := h.ShortHelpView(keys)
	ellipsis := " " + h.Styles.Ellipsis.Render(h.Ellipsis)
	for n := len(keys) - 1; n >= 0 && lipgloss.Width(line) > width; n-- {
		line = h.ShortHelpView(keys[:n]) + ellipsis
	}
	return line
}

func (w *wizard) mainWidth() int { return w.widthBeside(w.sidebarShown()) }

// widthBeside is the step's width with the step list beside it or folded.
func (w *wizard) widthBeside(sidebar bool) int {
	if sidebar {
		return w.width - sidebarWidth
	}
	return max(w.width, 20)
}

// sidebarShown: the terminal is wide enough for the step list, and every
// value the step shows to copy still fits on one line beside it. Otherwise
// the list folds, so a value broken over lines can be selected without
// the list's text in the selection.
func (w *wizard) sidebarShown() bool {
	if w.width < sidebarMinWidth {
		return false
	}
	c := w.ctxWidth(w.width - sidebarWidth)
	for _, v := range w.step().copyables(c) {
		if !fitsOneLine(v, c.width) {
			return false
		}
	}
	return true
}

func (w *wizard) header() string {
	h := w.styles.Subtle.Render(fmt.Sprintf("Step %d of %d", w.cur.number(), stepCount)) + "  " +
		w.styles.Title.Render(w.cur.title())
	if w.deps.target.rehearsing() {
		h += "  " + w.styles.Warning.Render("[rehearsal]")
	}
	return h
}

// sidebar lists all twelve steps: done ✓, current ›, still to do.
func (w *wizard) sidebar() string {
	s := w.styles
	var b strings.Builder
	for id := stepStart; id <= stepSave; id++ {
		label := fmt.Sprintf("%2d %s", id.number(), id.title())
		switch {
		case id == w.cur:
			b.WriteString(s.StepCurrent.Render("› " + label))
		case w.draft.skips(id):
			b.WriteString(s.StepTodo.Render("– " + label))
		case id < w.reached:
			b.WriteString(s.StepDone.Render("✓ " + label))
		default:
			b.WriteString(s.StepTodo.Render("  " + label))
		}
		if id < stepSave {
			b.WriteByte('\n')
		}
	}
	return s.Sidebar.Width(sidebarWidth - 1).Render(b.String())
}

// messages are the step's inline error (once shown), its warnings and the
// latest notice.
func (w *wizard) messages(c *stepContext) string {
	s := w.styles
	var lines []string
	if w.quit == nil && w.jump == nil {
		v := w.step().validate(c)
		if v.err != "" && w.showErrors && (w.triedNext || !v.onNext) {
			lines = append(lines, s.Error.Render(wrap("✗ "+v.err, c.width)))
		}
		for _, warn := range v.warnings {
			lines = append(lines, s.Warning.Render(wrap("! "+warn, c.width)))
		}
	}
	if w.notice.text != "" {
		st := s.Success
		if w.notice.bad {
			st = s.Warning
		}
		lines = append(lines, st.Render(wrap(w.notice.text, c.width)))
	}
	return strings.Join(lines, "\n")
}

func (w *wizard) jumpView() string {
	s := w.styles
	var b strings.Builder
	b.WriteString(s.Label.Render("Go to a completed step") + "\n")
	for id := firstProfileStep; id <= w.reached; id++ {
		if w.draft.skips(id) {
			continue
		}
		line := fmt.Sprintf("%2d %s", id.number(), id.title())
		if id == w.jump.cursor {
			b.WriteString(s.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + line)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// wrap breaks text into lines no wider than width, at spaces only: a
// break after the hyphen of a scope name or URL would look like two
// values. Hyphens are swapped for non-breaking ones (which the wrapper
// does not break at) while wrapping; a word wider than width is still cut.
func wrap(text string, width int) string {
	kept := strings.ReplaceAll(text, "-", nonBreakingHyphen)
	return strings.ReplaceAll(lipgloss.Wrap(kept, max(width, 10), ""), nonBreakingHyphen, "-")
}

const nonBreakingHyphen = "\u2011"

// copyIndent is how far a value to copy is indented when it fits.
const copyIndent = 2

func fitsOneLine(value string, width int) bool { return ansi.StringWidth(value)+copyIndent <= width }

// copyable shows a value the admin copies by selecting it (with no
// clipboard, over SSH): indented on a line of its own when it fits, else
// cut at exactly width on lines that start at the left edge, so selecting
// those lines takes the value and nothing else (a browser drops the line
// breaks when it is pasted into a one-line field).
func copyable(st lipgloss.Style, value string, width int) string {
	if fitsOneLine(value, width) {
		return strings.Repeat(" ", copyIndent) + st.Render(value)
	}
	lines := strings.Split(ansi.Hardwrap(value, max(width, 10), true), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return strings.Join(lines, "\n")
}

// hang wraps text to width with every line after the first indented by
// indent spaces, for values beside a label.
func hang(text string, width, indent int) string {
	lines := strings.Split(wrap(text, width-indent), "\n")
	return strings.Join(lines, "\n"+strings.Repeat(" ", indent))
}
