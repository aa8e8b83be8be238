package setup

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

func TestSettingsRoundTripWithoutSecretsOrTokens(t *testing.T) {
	in := validInput()
	res := Check(in)
	p := res.Profile
	p.Site = profile.Site{CloudID: "site-id-SECRETSITE", Name: "SECRETSITE", URL: "https://secretsite.atlassian.net"}
	p.Sites = []profile.Site{p.Site}
	p.SecretStorage = profile.StorageFile
	p.Tokens = profile.Tokens{HasAccess: true, HasRefresh: true, AccessExpiry: time.Unix(2e9, 0), ConsentedAt: time.Unix(1e9, 0)}
	p.CreatedAt = time.Unix(1e9, 0)

	data := WriteSettings(p)
	for _, leak := range []string{"ATOAsecret", "secret_storage", "SECRETSITE", "token =", "tokens", "expiry", "consented", "created_at"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("exported settings hold %q:\n%s", leak, data)
		}
	}
	if !bytes.HasPrefix(data, []byte("# authwiz settings")) {
		t.Errorf("no header saying what the file is:\n%s", data)
	}

	got, err := ReadSettings(data)
	if err != nil {
		t.Fatalf("ReadSettings(WriteSettings(p)): %v\n%s", err, data)
	}
	want := Input{
		Name: p.Name, AppName: p.AppName, ClientID: p.ClientID, RedirectURL: p.RedirectURL,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, APIBaseURL: p.APIBaseURL, Scopes: p.Scopes,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, want)
	}
	// The imported settings pass the same checks once a secret is given.
	got.Secret = "another-admins-secret"
	if res := Check(got); len(res.Problems) != 0 {
		t.Fatalf("imported settings have problems: %v", res.Problems)
	}
}

func TestReadSettingsRefusals(t *testing.T) {
	valid := string(WriteSettings(Check(validInput()).Profile))
	after := func(n int) string { return fmt.Sprintf("line %d", strings.Count(valid, "\n")+n) }
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"empty", "  \n", []string{"empty"}},
		{"too large", valid + "# " + strings.Repeat("x", MaxSettingsFile) + "\n", []string{"larger than 64 KiB"}},
		{"secret added by hand", valid + "client_secret = \"ATOAsecret\"\n", []string{`"client_secret"`, after(1), "never a secret"}},
		{"unknown table", valid + "\n[tokens]\naccess_token = \"x\"\n", []string{`"tokens"`, after(2)}},
		{"syntax", "name = \"a\"\nclient_id = \n", []string{"line 2"}},
		{"wrong type", "name = 3\n", []string{"cannot be read"}},
		{"key in another case", "name = \"a\"\nNAME = \"b\"\n", []string{`"NAME"`, "line 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSettings([]byte(tc.data))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "ATOAsecret") {
				t.Errorf("error repeats the secret: %q", err)
			}
		})
	}
}

func FuzzReadSettings(f *testing.F) {
	f.Add(WriteSettings(Check(validInput()).Profile))
	f.Add([]byte("name = \"x\"\nscopes = [\"a\", \"b\"]\n"))
	f.Add([]byte("client_secret = 'x'\n"))
	f.Add([]byte("[a.b]\nc = 1\n"))
	f.Add([]byte("name = \"\\u001b]52;c;aGk=\\u0007\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadSettings(data)
		if err != nil {
			if strings.Contains(err.Error(), "line 0") {
				t.Fatalf("error points at no line: %v", err)
			}
			return
		}
		if in.Secret != "" || in.KeptSecret != "" {
			t.Fatalf("a settings file gave a secret: %+v", in)
		}
		// Whatever was read writes back to the same settings.
		p := profile.Profile{
			Name: in.Name, AppName: in.AppName, ClientID: in.ClientID, RedirectURL: in.RedirectURL,
			AuthURL: in.AuthURL, TokenURL: in.TokenURL, APIBaseURL: in.APIBaseURL, Scopes: in.Scopes,
		}
		again, err := ReadSettings(WriteSettings(p))
		if err != nil {
			t.Fatalf("written settings do not read back: %v", err)
		}
		if len(in.Scopes) == 0 {
			in.Scopes, again.Scopes = nil, nil // an empty list and no list read back alike
		}
		if !reflect.DeepEqual(again, in) {
			t.Fatalf("round trip changed the settings\n got %+v\nwant %+v", again, in)
		}
	})
}

func TestReadSettingsFile(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/app.toml"
	p := Check(validInput()).Profile
	if err := os.WriteFile(path, WriteSettings(p), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSettingsFile(path)
	if err != nil || got.ClientID != p.ClientID || got.RedirectURL != p.RedirectURL {
		t.Fatalf("ReadSettingsFile = %+v, %v", got, err)
	}
	if _, err := ReadSettingsFile(dir + "/missing.toml"); err == nil || !strings.Contains(err.Error(), "open the settings file") {
		t.Fatalf("a missing file: %v", err)
	}
	big := dir + "/big.toml"
	if err := os.WriteFile(big, bytes.Repeat([]byte("# x\n"), MaxSettingsFile), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSettingsFile(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("an oversized file: %v", err)
	}
}
