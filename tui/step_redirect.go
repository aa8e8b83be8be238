package tui

import (
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/validate"
)

// redirectStep is step 7: the Redirect URL the admin registers as the
// app's Callback URL. authwiz serves it itself during the consent, so the
// step also checks its port is free, and offers another when it is not.
type redirectStep struct {
	url editableValue
	// checked is the URL the port result is for; port is nil when free.
	checked string
	port    error
	finding bool
}

var freePortKey = binding("p", "pick a free port")

// portCheckedMsg and freePortMsg carry port results for a given URL.
type (
	portCheckedMsg struct {
		url string
		err error
	}
	freePortMsg struct {
		port int
		err  error
	}
)

func (s *redirectStep) title() string { return "Redirect URL" }

func (s *redirectStep) guide(w *wizard) string {
	text := "authwiz receives Atlassian's answer at this address on your computer. In the console, " +
		"paste it into Callback URL (c copies it) and click Save changes. It has to match to the " +
		"last character: scheme, host, port and path."
	if w.deps.rehearsal != nil {
		text += " In this rehearsal, going on saves it in the rehearsal console for you."
	}
	return text
}

func (s *redirectStep) enter(w *wizard) tea.Cmd {
	s.url.start(w.styles, w.draft.Profile.RedirectURL)
	return s.check(w)
}

func (s *redirectStep) restyle(st Styles) { s.url.input.SetStyles(st.Input) }

func (s *redirectStep) typing() bool { return s.url.editing }

// check tests the port of the URL as it is now, in the background.
func (s *redirectStep) check(w *wizard) tea.Cmd {
	target := validate.Clean(w.draft.Profile.RedirectURL)
	s.checked, s.port = "", nil
	ports := w.deps.ports
	return func() tea.Msg { return portCheckedMsg{url: target, err: ports.Check(target)} }
}

func (s *redirectStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case portCheckedMsg:
		if msg.url == validate.Clean(w.draft.Profile.RedirectURL) {
			s.checked, s.port = msg.url, msg.err
		}
		return nil, true
	case freePortMsg:
		s.finding = false
		if msg.err != nil {
			s.port = fmt.Errorf("%w; and finding another failed: %w", s.port, msg.err)
			return nil, true
		}
		w.draft.Profile.RedirectURL = withPort(validate.Clean(w.draft.Profile.RedirectURL), msg.port)
		s.url.input.SetValue(w.draft.Profile.RedirectURL)
		return s.check(w), true
	}
	wasEditing := s.url.editing
	if cmd, handled := s.url.update(msg, func(v string) { w.draft.Profile.RedirectURL = v }); handled {
		if wasEditing && !s.url.editing {
			return tea.Batch(cmd, s.check(w)), true
		}
		return cmd, true
	}
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
		return nil, false
	case key.Matches(k, copyKey):
		return w.copyText("the Redirect URL", validate.Clean(w.draft.Profile.RedirectURL)), true
	case key.Matches(k, freePortKey) && s.busy():
		s.finding = true
		ports, target := w.deps.ports, s.checked
		return func() tea.Msg { p, err := ports.FreePort(target); return freePortMsg{p, err} }, true
	}
	return nil, false
}

// busy: the port check ran and the port cannot be listened on.
func (s *redirectStep) busy() bool {
	return s.checked != "" && s.port != nil && !errors.Is(s.port, errNotLocal)
}

func (s *redirectStep) validate(w *wizard) verdict {
	r := validate.RedirectURL(w.draft.Profile.RedirectURL)
	v := fieldVerdict(r, func(d *draft, v string) { d.Profile.RedirectURL = v })
	if s.busy() {
		v.warnings = append(v.warnings, fmt.Sprintf("The consent would fail here: %v. Press p to pick a free "+
			"port, then register that URL in the console instead.", s.port))
	}
	return v
}

func (s *redirectStep) keys(*wizard) []key.Binding {
	if s.url.editing {
		return s.url.keys()
	}
	keys := []key.Binding{copyKey, editKey}
	if s.busy() {
		keys = append(keys, freePortKey)
	}
	return keys
}

func (s *redirectStep) view(w *wizard) string {
	st := w.styles
	out := st.Label.Render("Redirect URL (Callback URL in the console)") + "\n" +
		s.url.view(st, w.draft.Profile.RedirectURL, w.mainWidth()) + "\n\n"
	switch {
	case validate.RedirectURL(w.draft.Profile.RedirectURL).Err != nil:
		// The error below says what to fix; a port line would only distract.
	case s.finding:
		out += st.Subtle.Render("Looking for a free port…")
	case s.checked == "":
		out += st.Subtle.Render("Checking the port…")
	case s.port == nil:
		out += st.Success.Render(hang("✓ The port is free: authwiz can receive the consent here.", w.mainWidth(), 2))
	case errors.Is(s.port, errNotLocal):
		out += st.Subtle.Render(wrap("This address is not on this computer: when you consent on step 12, "+
			"paste the URL your browser ends on.", w.mainWidth()))
	}
	return out
}

func (s *redirectStep) modal() bool { return s.url.editing }

// advance registers the Redirect URL in rehearsal, as saving it in the
// console does for real.
func (s *redirectStep) advance(w *wizard, next int) tea.Cmd { return w.registerCallback(next) }
