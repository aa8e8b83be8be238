package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// sitePicker chooses the default site when the grant reaches several.
type sitePicker struct {
	sites  []profile.Site
	cursor int
	chose  profile.Site
	err    string
}

// siteChosenMsg reports saving the default site.
type siteChosenMsg struct {
	site profile.Site
	err  error
}

var (
	siteMove   = binding("↑/↓", "choose site", "up", "down")
	siteChoose = binding("enter", "make it the default")
	doneKey    = binding("q", "finish", "q", "enter")
)

func newSitePicker(res consentResult) sitePicker {
	p := sitePicker{sites: res.Sites, chose: res.Site}
	for i, s := range res.Sites {
		if s.CloudID == res.Site.CloudID {
			p.cursor = i
		}
	}
	if len(res.Sites) == 1 {
		p.chose = res.Sites[0]
	}
	return p
}

func (p *sitePicker) chosen() profile.Site { return p.chose }

// choosing: several sites and none chosen yet.
func (p *sitePicker) choosing() bool { return len(p.sites) > 1 && p.chose.CloudID == "" }

func (p *sitePicker) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case siteChosenMsg:
		if msg.err != nil {
			p.err = fmt.Sprintf("Could not save the default site: %v", msg.err)
		} else {
			p.chose, p.err = msg.site, ""
		}
		return nil, true
	case tea.KeyPressMsg:
		switch {
		case len(p.sites) > 1 && msg.String() == "up":
			p.cursor = max(p.cursor-1, 0)
			return nil, true
		case len(p.sites) > 1 && msg.String() == "down":
			p.cursor = min(p.cursor+1, len(p.sites)-1)
			return nil, true
		case len(p.sites) > 1 && key.Matches(msg, siteChoose) && p.sites[p.cursor].CloudID != p.chose.CloudID:
			site, runner, name := p.sites[p.cursor], w.deps.consent, w.draft.Profile.Name
			return func() tea.Msg { return siteChosenMsg{site: site, err: runner.ChooseSite(name, site.CloudID)} }, true
		case !p.choosing() && key.Matches(msg, doneKey):
			w.outcome = "Connected. " + w.nextCommands(true)
			return w.finish(), true
		}
	}
	return nil, false
}

func (p *sitePicker) keys() []key.Binding {
	if len(p.sites) <= 1 {
		return []key.Binding{doneKey}
	}
	if p.choosing() {
		return []key.Binding{siteMove, siteChoose}
	}
	return []key.Binding{siteMove, siteChoose, binding("q", "finish")}
}

func (p *sitePicker) view(w *wizard) string {
	st := w.styles
	out := st.Label.Render("Sites this authentication reaches")
	if p.choosing() {
		out += "\n" + st.Warning.Render(wrap("Choose the one commands use by default:", w.mainWidth()))
	}
	for i, s := range p.sites {
		mark := "  "
		if s.CloudID == p.chose.CloudID {
			mark = "✓ "
		}
		line := fmt.Sprintf("%s%s  %s", mark, validate.Sanitize(s.Name), validate.Sanitize(s.URL))
		if i == p.cursor {
			line = st.Selected.Render("› " + line)
		} else {
			line = "  " + line
		}
		out += "\n" + line
	}
	if p.err != "" {
		out += "\n" + st.Error.Render("✗ "+p.err)
	}
	return out
}
