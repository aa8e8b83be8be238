package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// endpointsStep is step 10: Atlassian's authorisation and token URLs,
// filled in, and the API base URL as an advanced field. Only a test server
// or a proxy needs other values.
type endpointsStep struct {
	stepBase
	form fieldGroup
}

var resetKey = binding("ctrl+r", "reset to the defaults")

func (s *endpointsStep) guide(c *stepContext) string {
	return c.target.pick(
		"These are Atlassian's addresses for the consent and for tokens, already filled in. "+
			"Leave them as they are unless you test against another server"+c.onScreen("; ctrl+r puts all three back")+".",
		"In this rehearsal these are the rehearsal server's addresses for the consent and for "+
			"tokens, already filled in; for real they are Atlassian's."+c.onScreen(" ctrl+r puts all three back."))
}

// endpointField is one URL field, bound to its place in the profile.
type endpointField struct {
	label string
	value func(p *profile.Profile) *string
	check func(input string) validate.Result
	// of picks this field's address out of a server's endpoints.
	of func(e endpoints) string
}

var endpointFields = []endpointField{
	{"Authorization URL", func(p *profile.Profile) *string { return &p.AuthURL },
		func(v string) validate.Result { return validate.EndpointURL("Authorization URL", v) },
		func(e endpoints) string { return e.auth }},
	{"Token URL", func(p *profile.Profile) *string { return &p.TokenURL },
		func(v string) validate.Result { return validate.EndpointURL("Token URL", v) },
		func(e endpoints) string { return e.token }},
	{"API base URL (advanced)", func(p *profile.Profile) *string { return &p.APIBaseURL },
		validate.APIBaseURL,
		func(e endpoints) string { return e.api }},
}

// verdict checks the field; the warnings say "not Atlassian's", which the
// rehearsal's own addresses are by design.
func (ef endpointField) verdict(d *draft, t target) verdict {
	value := *ef.value(&d.Profile)
	v := fieldVerdict(ef.check(value), func(d *draft, v string) { *ef.value(&d.Profile) = v })
	if t.ownEndpoint(value, ef.of) {
		v.warnings = nil
	}
	return v
}

func (s *endpointsStep) enter(c *stepContext) tea.Cmd {
	s.form = fieldGroup{}
	for _, ef := range endpointFields {
		f := &formField{
			label: ef.label,
			input: newInput(c.styles, ""),
			bind:  func(d *draft, v string) { *ef.value(&d.Profile) = v },
			check: func(d *draft) verdict { return ef.verdict(d, c.target) },
		}
		f.input.SetValue(*ef.value(&c.draft.Profile))
		s.form.fields = append(s.form.fields, f)
	}
	return s.form.focusOn(0)
}

func (s *endpointsStep) restyle(st *Styles) { s.form.restyle(st) }
func (s *endpointsStep) typing() bool       { return true }

func (s *endpointsStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, resetKey) {
		p := &c.draft.Profile
		c.target.endpoints.apply(p)
		for i, ef := range endpointFields {
			s.form.fields[i].input.SetValue(*ef.value(p))
		}
		return nil, true
	}
	return s.form.update(c, msg)
}

func (s *endpointsStep) validate(c *stepContext) verdict {
	var v verdict
	for _, ef := range endpointFields {
		v = v.then(ef.verdict(c.draft, c.target))
	}
	if c.target.rehearsing() {
		// Outside a rehearsal the fields warn one by one already.
		v.warnings = append(v.warnings, endpointWarnings(c)...)
	}
	return v
}

func (s *endpointsStep) keys(*stepContext) []key.Binding { return []key.Binding{fieldKeys, resetKey} }
func (s *endpointsStep) view(c *stepContext) string      { return s.form.view(c) }

func (s *endpointsStep) lines(c *stepContext, p *prompter) error {
	for {
		for _, ef := range endpointFields {
			value := ef.value(&c.draft.Profile)
			answer, err := p.ask(ef.label, *value)
			if err != nil {
				return err
			}
			*value = answer
		}
		if p.check(c, s) {
			return nil
		}
	}
}
