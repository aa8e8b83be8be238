package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/consent"
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

func newSitePicker(res consent.Result) sitePicker {
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

func (p *sitePicker) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case siteChosenMsg:
		if msg.err != nil {
			p.err = fmt.Sprintf("Could not save the default site: %v", msg.err)
		} else {
			p.chose, p.err = msg.site, ""
		}
		return nil, true
	case tea.KeyPressMsg:
		several := len(p.sites) > 1
		switch {
		case several && key.Matches(msg, upKey):
			p.cursor = max(p.cursor-1, 0)
			return nil, true
		case several && key.Matches(msg, downKey):
			p.cursor = min(p.cursor+1, len(p.sites)-1)
			return nil, true
		case several && key.Matches(msg, siteChoose) && p.sites[p.cursor].CloudID != p.chose.CloudID:
			site, runner, name := p.sites[p.cursor], c.deps.consent, c.draft.Profile.Name
			return func() tea.Msg { return siteChosenMsg{site: site, err: runner.ChooseSite(name, site.CloudID)} }, true
		case !p.choosing() && key.Matches(msg, doneKey):
			return c.fx.finish(connected(c, false)), true
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

func (p *sitePicker) view(c *stepContext) string {
	st := c.styles
	out := st.Label.Render("Sites this authentication reaches")
	if p.choosing() {
		out += "\n" + st.Warning.Render(wrap("Choose the one commands use by default:", c.width))
	}
	for i, s := range p.sites {
		mark := "  "
		if s.CloudID == p.chose.CloudID {
			mark = "✓ "
		}
		// A long site name wraps under itself, clear of the marks.
		line := mark + hang(validate.Sanitize(s.Name)+"  "+validate.Sanitize(s.URL), c.width, 4)
		if i == p.cursor {
			line = st.Selected.Render("› " + line)
		} else {
			line = "  " + line
		}
		out += "\n" + line
	}
	if p.err != "" {
		out += "\n" + st.Error.Render(wrap("✗ "+p.err, c.width))
	}
	return out
}

// connected is the outcome of a finished consent; unchosen says the admin
// left before choosing among several sites, so there is no default site.
func connected(c *stepContext, unchosen bool) string {
	out := "Connected. "
	if unchosen {
		out = "Connected, with no default site chosen among its sites. "
	}
	return out + nextCommands(c, true, indented)
}
