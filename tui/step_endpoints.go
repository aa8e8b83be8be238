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
	form fieldGroup
}

var resetKey = binding("ctrl+r", "reset to the defaults")

func (s *endpointsStep) title() string { return "Endpoints" }

func (s *endpointsStep) guide(w *wizard) string {
	if w.deps.rehearsal != nil {
		return "In this rehearsal these are the rehearsal server's addresses for the consent and for " +
			"tokens, already filled in; for real they are Atlassian's. ctrl+r puts all three back."
	}
	return "These are Atlassian's addresses for the consent and for tokens, already filled in. " +
		"Leave them as they are unless you test against another server; ctrl+r puts all three back."
}

// endpointField is one URL field, bound to its place in the profile.
type endpointField struct {
	label string
	value func(p *profile.Profile) *string
	check func(input string) validate.Result
	// of picks this field's address out of a server's endpoints.
	of func(e endpoints) string
}

func (ef endpointField) verdict(d *draft) verdict {
	return fieldVerdict(ef.check(*ef.value(&d.Profile)), func(d *draft, v string) { *ef.value(&d.Profile) = v })
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

func (s *endpointsStep) enter(w *wizard) tea.Cmd {
	s.form = fieldGroup{}
	for _, ef := range endpointFields {
		f := &formField{
			label: ef.label,
			input: newInput(w.styles, ""),
			bind:  func(d *draft, v string) { *ef.value(&d.Profile) = v },
			check: ef.verdict,
		}
		f.input.SetValue(*ef.value(&w.draft.Profile))
		s.form.fields = append(s.form.fields, f)
	}
	return s.form.focusOn(0)
}

func (s *endpointsStep) restyle(st Styles) { s.form.restyle(st) }
func (s *endpointsStep) typing() bool      { return true }

func (s *endpointsStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, resetKey) {
		p := &w.draft.Profile
		w.defaultEndpoints().apply(p)
		for i, v := range []string{p.AuthURL, p.TokenURL, p.APIBaseURL} {
			s.form.fields[i].input.SetValue(v)
		}
		return nil, true
	}
	return s.form.update(w, msg)
}

func (s *endpointsStep) validate(w *wizard) verdict {
	var v verdict
	for _, ef := range endpointFields {
		fv := ef.verdict(w.draft)
		// The warnings say "not Atlassian's", which the rehearsal's own
		// addresses are by design.
		if r := w.deps.rehearsal; r != nil && *ef.value(&w.draft.Profile) == ef.of(r.endpoints) {
			fv.warnings = nil
		}
		v = v.then(fv)
	}
	return v
}
func (s *endpointsStep) keys(*wizard) []key.Binding { return []key.Binding{fieldKeys, resetKey} }
func (s *endpointsStep) view(w *wizard) string      { return s.form.view(w) }
