package tui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/loopback"
	"github.com/authwiz/authwiz/internal/validate"
)

// redirectStep is step 7: the Redirect URL the admin registers as the
// app's Callback URL. authwiz serves it itself during the consent, so the
// step also checks its port is free, and offers another when it is not.
type redirectStep struct {
	stepBase
	url editableValue
	// checked is the URL the port result is for; port is nil when free.
	checked string
	port    error
	finding bool
}

var freePortKey = binding("p", "pick a free port")

// redirectCheck is step 7's box: the URL is registered where the wizard
// cannot see it, in the app's console page.
func redirectCheck(c *stepContext) checkpoint {
	if c.draft.ExistingApp {
		return checkpoint{step: stepRedirect, label: "The app's Callback URLs include this one"}
	}
	return checkpoint{step: stepRedirect, label: "I pasted it and clicked Save changes"}
}

// setRedirectURL changes the URL; a box ticked for another URL no longer
// counts.
func setRedirectURL(c *stepContext, url string) {
	if url != c.draft.Profile.RedirectURL {
		c.draft.Confirmed[stepRedirect] = false
	}
	c.draft.Profile.RedirectURL = url
}

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

func (s *redirectStep) guide(c *stepContext) string {
	if c.draft.ExistingApp {
		return "authwiz receives Atlassian's answer at this address on your computer. It must be one of " +
			"the app's Callback URLs to the last character: imported settings bring the app's own; otherwise " +
			"ask whoever manages the app for it, or to add this one under Authorization ▸ OAuth 2.0 (3LO)." +
			c.target.note(" In this rehearsal, going on saves it in the rehearsal console for you.")
	}
	return "authwiz receives Atlassian's answer at this address on your computer. In the console, " +
		"paste it into Callback URL" + c.onScreen(" (c copies it)") + " and click Save changes. It has to match to the " +
		"last character: scheme, host, port and path." +
		c.target.note(" In this rehearsal, going on saves it in the rehearsal console for you.")
}

func (s *redirectStep) enter(c *stepContext) tea.Cmd {
	s.url.start(c.styles, c.draft.Profile.RedirectURL)
	return s.check(c)
}

func (s *redirectStep) restyle(st *Styles) { s.url.input.SetStyles(st.Input) }

func (s *redirectStep) typing() bool { return s.url.editing }

// check tests the port of the URL as it is now, in the background.
func (s *redirectStep) check(c *stepContext) tea.Cmd {
	target := validate.Clean(c.draft.Profile.RedirectURL)
	s.checked, s.port = "", nil
	ports := c.deps.ports
	return func() tea.Msg { return portCheckedMsg{url: target, err: ports.Check(target)} }
}

func (s *redirectStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case portCheckedMsg:
		if msg.url == validate.Clean(c.draft.Profile.RedirectURL) {
			s.checked, s.port = msg.url, msg.err
		}
		return nil, true
	case freePortMsg:
		s.finding = false
		if msg.err != nil {
			s.port = fmt.Errorf("%w; and finding another failed: %w", s.port, msg.err)
			return nil, true
		}
		setRedirectURL(c, loopback.WithPort(validate.Clean(c.draft.Profile.RedirectURL), msg.port))
		s.url.input.SetValue(c.draft.Profile.RedirectURL)
		return s.check(c), true
	}
	wasEditing := s.url.editing
	if cmd, handled := s.url.update(msg, c.width, func(v string) { setRedirectURL(c, v) }); handled {
		if wasEditing && !s.url.editing {
			return tea.Batch(cmd, s.check(c)), true
		}
		return cmd, true
	}
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
		return nil, false
	case redirectCheck(c).update(c, msg):
		return nil, true
	case key.Matches(k, copyKey):
		return c.fx.copy("the Redirect URL", validate.RedirectURL(c.draft.Profile.RedirectURL)), true
	case key.Matches(k, freePortKey) && s.busy():
		s.finding = true
		ports, target := c.deps.ports, s.checked
		return func() tea.Msg { p, err := ports.FreePort(target); return freePortMsg{p, err} }, true
	}
	return nil, false
}

// busy: the port check ran and the port cannot be listened on.
func (s *redirectStep) busy() bool {
	return s.checked != "" && s.port != nil && !errors.Is(s.port, loopback.ErrNotLocal)
}

func (s *redirectStep) validate(c *stepContext) verdict {
	r := validate.RedirectURL(c.draft.Profile.RedirectURL)
	v := fieldVerdict(r, func(d *draft, v string) { d.Profile.RedirectURL = v })
	if s.busy() {
		v.warnings = append(v.warnings, fmt.Sprintf("The consent would fail here: %v. Press p to pick a free "+
			"port, then register that URL in the console instead.", s.port))
	}
	return v.then(redirectCheck(c).validate(c))
}

func (s *redirectStep) keys(*stepContext) []key.Binding {
	if s.url.editing {
		return s.url.keys()
	}
	keys := []key.Binding{copyKey, editKey}
	if s.busy() {
		keys = append(keys, freePortKey)
	}
	return append(keys, tickKey)
}

func (s *redirectStep) view(c *stepContext) string {
	st := c.styles
	out := st.Label.Render("Redirect URL (Callback URL in the console)") + "\n" +
		s.url.view(st, c.draft.Profile.RedirectURL, c.width) + "\n\n"
	if port := s.portLine(c); port != "" {
		out += port + "\n\n"
	}
	return out + redirectCheck(c).view(c)
}

// portLine says how the port check went; empty while the URL itself is
// wrong, since the error says what to fix and a port line would distract.
func (s *redirectStep) portLine(c *stepContext) string {
	st := c.styles
	switch {
	case validate.RedirectURL(c.draft.Profile.RedirectURL).Err != nil:
		return ""
	case s.finding:
		return st.Subtle.Render("Looking for a free port…")
	case s.checked == "":
		return st.Subtle.Render("Checking the port…")
	case s.port == nil:
		return st.Success.Render(hang("✓ The port is free: authwiz can receive the consent here.", c.width, 2))
	case errors.Is(s.port, loopback.ErrNotLocal):
		return st.Subtle.Render(wrap("This address is not on this computer: when you consent on step "+
			fmt.Sprint(stepSave.number())+", paste the URL your browser ends on.", c.width))
	}
	return ""
}

// linesPort is the port check of line mode: a port another program holds
// would fail the consent only on step 12, so it is said now, with a free
// one to use instead.
func (s *redirectStep) linesPort(c *stepContext, p *prompter) error {
	if c.deps.ports == nil {
		return nil
	}
	for {
		target := validate.Clean(c.draft.Profile.RedirectURL)
		err := c.deps.ports.Check(target)
		switch {
		case err == nil:
			p.say("The port is free: authwiz can receive the consent here.")
			return nil
		case errors.Is(err, loopback.ErrNotLocal):
			p.say("This address is not on this computer: when you consent on step %d, paste the URL your browser ends on.", stepSave.number())
			return nil
		}
		p.say("%s", validate.Sanitize(err.Error()))
		port, ferr := c.deps.ports.FreePort(target)
		if ferr != nil {
			p.say("No free port was found either (%s): free the port before step %d, or type another Redirect URL with back.",
				validate.Sanitize(ferr.Error()), stepSave.number())
			return nil
		}
		free := loopback.WithPort(target, port)
		answer, aerr := p.ask("Use "+free+" instead? y/n (n: keep this one and free its port before step "+fmt.Sprint(stepSave.number())+")", "y")
		if aerr != nil {
			return aerr
		}
		if !strings.HasPrefix(strings.ToLower(answer), "y") {
			return nil
		}
		setRedirectURL(c, free)
	}
}

func (s *redirectStep) modal() bool { return s.url.editing }

func (s *redirectStep) copyables(c *stepContext) []string {
	return s.url.copyables(c.draft.Profile.RedirectURL)
}

// advance registers the Redirect URL in a rehearsal, as saving it in the
// console does for real. The notice says so on the next step.
func (s *redirectStep) advance(c *stepContext) tea.Cmd {
	url, t := c.draft.Profile.RedirectURL, c.target
	return func() tea.Msg {
		if text, bad := registered(t, url); text != "" {
			return noticeMsg{stepPermissions, notice{text: text, bad: bad}}
		}
		return nil
	}
}

// registered registers url with the rehearsal console and says how it
// went; nothing is said for Atlassian, whose console the admin uses.
func registered(t target, url string) (text string, bad bool) {
	ok, err := t.registerCallback(url)
	switch {
	case err != nil:
		return "The rehearsal console did not take the Callback URL: " + err.Error(), true
	case ok:
		return "Rehearsal: " + url + " is now the rehearsal app's Callback URL, as if you had saved it in the console.", false
	}
	return "", false
}

func (s *redirectStep) lines(c *stepContext, p *prompter) error {
	// The box is asked for below, once the URL is settled: the field's
	// check must not refuse the URL for it.
	c.draft.Confirmed[stepRedirect] = true
	if err := p.field(c, s, "Redirect URL", func(d *draft) *string { return &d.Profile.RedirectURL }); err != nil {
		return err
	}
	if err := s.linesPort(c, p); err != nil {
		return err
	}
	c.draft.Confirmed[stepRedirect] = false
	if err := redirectCheck(c).lines(c, p); err != nil {
		return err
	}
	if text, _ := registered(c.target, c.draft.Profile.RedirectURL); text != "" {
		p.say("%s", text)
	}
	return nil
}
