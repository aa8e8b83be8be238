package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/validate"
)

// credentialsStep is step 9: the app's client ID and secret, pasted from
// the console's Settings page. The secret is masked unless revealed, and in
// edit mode an empty field keeps the saved secret.
type credentialsStep struct {
	form fieldGroup
}

var (
	revealKey = binding("ctrl+r", "show/hide secret")
	fieldKeys = binding("↑/↓", "switch field", "up", "down")
)

func (s *credentialsStep) title() string { return "Credentials" }

func (s *credentialsStep) guide(w *wizard) string {
	text := "In the console open Settings. Under Authentication details, copy the Client ID and " +
		"the Secret and paste them here. The secret is never shown in full and never goes into drafts."
	if r := w.deps.rehearsal; r != nil {
		text += "\n\nThe rehearsal app's values (they work only in authwiz demo):\nClient ID: " + r.clientID +
			"\nSecret:\n" + r.clientSecret
	}
	return text
}

func (s *credentialsStep) enter(w *wizard) tea.Cmd {
	id := &formField{
		label: "Client ID",
		input: newInput(w.styles, "32 letters and digits"),
		bind:  func(d *draft, v string) { d.Profile.ClientID = v },
		check: checkClientID,
	}
	id.input.SetValue(w.draft.Profile.ClientID)
	secret := &formField{
		label: "Secret",
		input: newInput(w.styles, "paste the secret"),
		bind:  func(d *draft, v string) { d.Secret = v },
		check: checkSecret,
		note:  keptSecretNote,
	}
	secret.input.EchoMode = textinput.EchoPassword
	secret.input.EchoCharacter = '•'
	secret.input.SetValue(w.draft.Secret)
	if w.draft.KeptSecret != "" {
		secret.input.Placeholder = "leave empty to keep the saved one"
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

func keptSecretNote(w *wizard) string {
	if w.draft.KeptSecret == "" || w.draft.Secret != "" {
		return ""
	}
	return "Saved secret: " + masked(w.draft.KeptSecret) + " — Enter keeps it"
}

func (s *credentialsStep) restyle(st Styles) { s.form.restyle(st) }
func (s *credentialsStep) typing() bool      { return true }

func (s *credentialsStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, revealKey) {
		in := &s.form.fields[1].input
		if in.EchoMode == textinput.EchoPassword {
			in.EchoMode = textinput.EchoNormal
		} else {
			in.EchoMode = textinput.EchoPassword
		}
		return nil, true
	}
	return s.form.update(w, msg)
}

func (s *credentialsStep) validate(w *wizard) verdict {
	return checkClientID(w.draft).then(checkSecret(w.draft))
}
func (s *credentialsStep) keys(*wizard) []key.Binding { return []key.Binding{fieldKeys, revealKey} }
func (s *credentialsStep) view(w *wizard) string      { return s.form.view(w) }
