package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/rehearsal/sampleapp"
	"github.com/authwiz/authwiz/internal/setup"
	"github.com/authwiz/authwiz/internal/validate"
)

// credentialsStep is step 9: the app's client ID and secret, pasted from
// the console's Settings page. The secret is masked unless revealed, and in
// edit mode an empty field keeps the saved secret.
type credentialsStep struct {
	stepBase
	form fieldGroup
}

var revealKey = binding("ctrl+r", "show/hide secret")

func (s *credentialsStep) guide(c *stepContext) string {
	text := "In the console open Settings. Under Authentication details, copy the Client ID and " +
		"the Secret and paste them here. The secret is never shown in full and never goes into drafts."
	if c.draft.ExistingApp {
		text = "Paste the app's Client ID and Secret, from whoever manages it (the console's Settings page, " +
			"Authentication details). The secret is never shown in full and never goes into drafts."
	}
	if r := c.target.rehearsal; r != nil {
		text += "\n\nThe rehearsal app's values (they work only in " + programCommand("demo") + "):\nClient ID: " + r.ClientID +
			"\nSecret:\n" + r.ClientSecret
	}
	return text
}

func (s *credentialsStep) enter(c *stepContext) tea.Cmd {
	id := &formField{
		label: "Client ID",
		input: newInput(c.styles, "32 letters and digits"),
		bind:  func(d *draft, v string) { d.Profile.ClientID = v },
		check: checkClientID,
	}
	id.input.SetValue(c.draft.Profile.ClientID)
	secret := &formField{
		label: "Secret",
		input: newInput(c.styles, "paste the secret"),
		bind:  func(d *draft, v string) { d.Secret = v },
		check: checkSecret,
		note:  keptSecretNote,
	}
	secret.input.EchoMode = textinput.EchoPassword
	secret.input.EchoCharacter = '•'
	secret.input.SetValue(c.draft.Secret)
	if c.draft.KeptSecret != "" {
		secret.input.Placeholder = hint("leave empty to keep the saved one")
	}
	s.form = fieldGroup{fields: []*formField{id, secret}}
	return s.form.focusOn(0)
}

func checkClientID(d *draft) verdict {
	return fieldVerdict(validate.ClientID(d.Profile.ClientID), func(d *draft, v string) { d.Profile.ClientID = v })
}

// checkSecret validates a typed secret; in edit mode an empty field keeps
// the saved one.
func checkSecret(d *draft) verdict {
	if d.Secret == "" && d.KeptSecret != "" {
		return verdict{}
	}
	return fieldVerdict(validate.ClientSecret(d.Secret), func(d *draft, v string) { d.Secret = v })
}

func keptSecretNote(d *draft) string {
	if d.KeptSecret == "" || d.Secret != "" {
		return ""
	}
	return "Saved secret: " + masked(d.KeptSecret) + " — Enter keeps it"
}

func (s *credentialsStep) restyle(st *Styles) { s.form.restyle(st) }
func (s *credentialsStep) typing() bool       { return true }

func (s *credentialsStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, revealKey) {
		in := &s.form.fields[1].input
		if in.EchoMode == textinput.EchoPassword {
			in.EchoMode = textinput.EchoNormal
		} else {
			in.EchoMode = textinput.EchoPassword
		}
		return nil, true
	}
	return s.form.update(c, msg)
}

func (s *credentialsStep) validate(c *stepContext) verdict {
	v := checkClientID(c.draft).then(checkSecret(c.draft))
	for _, w := range []string{sharedAppWarning(c), rehearsalIDWarning(c)} {
		if w != "" {
			v.warnings = append(v.warnings, w)
		}
	}
	return v
}

// rehearsalIDWarning catches a Client ID a typo away from the rehearsal
// app's: in a rehearsal the consent would fail only in the browser, and
// outside one it is the wrong app altogether.
func rehearsalIDWarning(c *stepContext) string {
	id := validate.Clean(c.draft.Profile.ClientID)
	near := sampleapp.LooksLikeRehearsalClientID(id)
	if !near && (c.target.rehearsing() || id != sampleapp.ClientID) {
		return ""
	}
	return c.target.pick(
		"This looks like the rehearsal app's Client ID, which works only in "+programCommand("demo")+": paste your own app's, "+
			"from Settings in the console.",
		"This is close to the rehearsal app's Client ID but not it: compare it with "+sampleapp.ClientID+
			" character by character, or the consent fails with \"Unknown client_id\".")
}

// sharedAppWarning warns that another saved profile uses the same app,
// where one consent can undo the other's.
func sharedAppWarning(c *stepContext) string {
	others := setup.SharedClientID(validate.Clean(c.draft.Profile.ClientID), c.saved.profiles, c.draft.EditOf)
	if len(others) == 0 {
		return ""
	}
	return validate.Sanitize(setup.SharedClientIDWarning(others))
}

func (s *credentialsStep) keys(*stepContext) []key.Binding {
	return []key.Binding{fieldKeys, revealKey}
}

func (s *credentialsStep) view(c *stepContext) string { return s.form.view(c) }

// lines asks for the client ID, then the secret without echo; an edit
// asks first whether to replace the saved secret.
func (s *credentialsStep) lines(c *stepContext, p *prompter) error {
	d := c.draft
	for {
		id, err := p.ask("Client ID", d.Profile.ClientID)
		if err != nil {
			return err
		}
		d.Profile.ClientID = id
		replace := "y"
		if d.KeptSecret != "" {
			if replace, err = p.ask("A client secret is saved ("+masked(d.KeptSecret)+"). Replace it? y/n", "n"); err != nil {
				return err
			}
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(replace)), "y") {
			if d.Secret, err = p.readSecret(); err != nil {
				return err
			}
		}
		if p.check(c, s) {
			return nil
		}
	}
}
