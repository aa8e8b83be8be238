package profile

import "testing"

func TestCommand(t *testing.T) {
	for name, want := range map[string]string{
		"prod":                             "authwiz login prod",
		"OAuth2 confluence Authentication": `authwiz login "OAuth2 confluence Authentication"`,
		"it's":                             `authwiz login "it's"`,
		`a "b"`:                            `authwiz login 'a "b"'`,
		"$HOME's":                          `authwiz login '$HOME'\''s'`,
		"":                                 `authwiz login ""`,
	} {
		if got := Command("login", name); got != want {
			t.Errorf("Command(login, %q) = %s, want %s", name, got, want)
		}
	}
}
