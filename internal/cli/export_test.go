package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/profile"
)

// An admin exports a profile; a colleague with their own config dir
// imports it, gives the client secret and consents on their own.
func TestExportThenImportConsentsOnItsOwn(t *testing.T) {
	w := newWorld(t)
	w.create("Confluence prod")
	secrets := append([]string{testClientSecret}, currentTokens(w)...)

	r := w.run("", nil, "export", "confluence PROD")
	if r.code != 0 || !strings.Contains(r.stdout, `client_id = "`+testClientID+`"`) {
		t.Fatalf("export to stdout: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	file := filepath.Join(t.TempDir(), "prod.toml")
	r = w.run("", nil, "export", "Confluence prod", "--output", file)
	if r.code != 0 || !strings.Contains(r.stderr, "new --from "+file) {
		t.Fatalf("export --output: %d %s", r.code, r.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(string(data), s) {
			t.Fatalf("the exported file holds a secret or token:\n%s", data)
		}
	}
	if r := w.run("", nil, "export", "Confluence prod", "--output", file); r.code == 0 || !strings.Contains(r.stderr, "exists already") {
		t.Errorf("export over an existing file: %d %s", r.code, r.stderr)
	}

	colleague := *w
	colleague.dir = t.TempDir()
	r = colleague.run(testClientSecret, nil, "new", "--no-input", "--from", file, "--client-secret-stdin", "--login")
	if r.code != 0 {
		t.Fatalf("new --no-input --from --login: %d\n%s", r.code, r.stderr)
	}
	store, err := profile.Open(colleague.dir)
	if err != nil {
		t.Fatal(err)
	}
	p, sec, err := store.Get("Confluence prod")
	if err != nil || sec.RefreshToken == "" || sec.ClientSecret != testClientSecret {
		t.Fatalf("the imported profile has no grant of its own: %v", err)
	}
	if p.TokenURL != w.server.URL+"/oauth/token" || p.RedirectURL != w.redirect {
		t.Errorf("settings not imported: %+v", p)
	}
	for _, s := range secrets {
		if s == sec.RefreshToken || s == sec.AccessToken {
			t.Error("the colleague got the first admin's tokens instead of consenting")
		}
	}
	if r := colleague.run("", nil, "token", "Confluence prod"); r.code != 0 {
		t.Errorf("token of the imported profile: %d %s", r.code, r.stderr)
	}
}

func TestNewFromRefusesAFileWithASecret(t *testing.T) {
	w := newWorld(t)
	file := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(file, []byte("name = \"x\"\nclient_secret = \""+testClientSecret+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.run(testClientSecret, nil, "new", "--no-input", "--from", file, "--client-secret-stdin")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `unknown key "client_secret" at line 2`) || strings.Contains(r.stderr, testClientSecret) {
		t.Errorf("a settings file with a secret: %d %s", r.code, r.stderr)
	}
}

func TestNewFromOpensTheWizardPrefilled(t *testing.T) {
	file := filepath.Join(t.TempDir(), "prod.toml")
	if err := os.WriteFile(file, []byte("name = \"Confluence prod\"\nclient_id = \""+testClientID+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	req, called, code := runWizardArgs(t, "new", "--from", file)
	if code != 0 || !called || req.Imported == nil || req.Imported.ClientID != testClientID || req.Imported.Name != "Confluence prod" {
		t.Fatalf("exit %d, called %v, imported %+v", code, called, req.Imported)
	}
}
