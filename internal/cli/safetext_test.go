package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/setup"
)

// evil is what a hand edit might put in a value, as TOML escapes: an OSC 52
// clipboard write, a colour, a bidi override, the 8-bit CSI and a bell.
const evil = `\u001b]52;c;ZXZpbA==\u0007\u001b[31m\u202e\u009b31m\u0007`

// handEdit writes evil into every string value of profiles.toml and into
// the profile's name wherever the files key by it, as a hand edit could.
func handEdit(t *testing.T, dir, name string) {
	t.Helper()
	settings := filepath.Join(dir, "profiles.toml")
	data, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	value := regexp.MustCompile(`"([^"]*)"`)
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			l = value.ReplaceAllString(l, `"${1}`+evil+`"`)
			lines[i] = strings.Replace(l, "[secrets_held."+name+"]", `[secrets_held."`+name+evil+`"]`, 1)
		}
	}
	if err := os.WriteFile(settings, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := filepath.Join(dir, "secrets.toml")
	data, err = os.ReadFile(secrets)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "[secrets."+name+"]", `[secrets."`+name+evil+`"]`, 1))
	if err := os.WriteFile(secrets, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rawControl finds what a terminal would act on: C0 and C1 controls but
// tab and newline, and bidi overrides.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

// Nothing a hand-edited profiles.toml says reaches the terminal raw: list,
// show and status print every value stripped of escapes, and their JSON
// escapes C1 controls and bidi overrides too while keeping the value.
func TestEscapesInTheFilesNeverReachTheTerminal(t *testing.T) {
	w := newWorld(t)
	w.create("p")
	handEdit(t, w.dir, "p")
	// Needing a new consent, the profile is named in status's error too.
	settings := filepath.Join(w.dir, "profiles.toml")
	data, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`(?m)^(\s*type = .*)$`).ReplaceAll(data, []byte("$1\ntokens_stale = true"))
	if err := os.WriteFile(settings, data, 0o600); err != nil {
		t.Fatal(err)
	}
	name, err := jsonUnquote(`"p` + evil + `"`)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"list"}, {"show", name}, {"status", "--offline"}, {"status", "--offline", name},
		{"list", "--json"}, {"show", "--json", name}, {"status", "--offline", "--json"}, {"export", name},
	} {
		r := w.run("", nil, args...)
		if r.code != 0 && (args[0] != "status" || r.code != ExitAttention) {
			t.Errorf("authwiz %q: exit %d\n%s", args, r.code, r.stderr)
		}
		for stream, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if loc := rawControl.FindStringIndex(out); loc != nil {
				t.Errorf("authwiz %q: a raw %q on %s:\n%q", args, out[loc[0]:loc[1]], stream, out)
			}
		}
		if args[0] == "export" {
			if in, err := setup.ReadSettings([]byte(r.stdout)); err != nil || in.Name != name {
				t.Errorf("export does not read back as the file has it: %q, %v", in.Name, err)
			}
		}
		if !slices.Contains(args, "--json") {
			continue
		}
		for _, escaped := range []string{`\u009b`, `\u202e`} {
			if !strings.Contains(r.stdout, escaped) {
				t.Errorf("authwiz %q: no %s in the JSON", args, escaped)
			}
		}
		if !strings.Contains(decodeJSON(t, r.stdout), name) {
			t.Errorf("authwiz %q: the JSON lost the name as the file has it", args)
		}
	}
	// A command that fails names the profile safely too.
	if r := w.run("", nil, "show", name+"x"); r.code != ExitNotFound || rawControl.MatchString(r.stderr) {
		t.Errorf("an error message has a raw control: %q", r.stderr)
	}
}

// decodeJSON is the JSON document out, decoded and encoded again with its
// strings as they are, so a test can look for a value.
func decodeJSON(t *testing.T, out string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var names []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			names = append(names, v)
		}
	}
	walk(v)
	return strings.Join(names, "\n")
}

func jsonUnquote(s string) (string, error) {
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// token prints nothing but a token a script can send on: one holding a
// control character is refused, not printed.
func TestTokenRefusesAnAccessTokenWithControls(t *testing.T) {
	w := newWorld(t)
	w.create("p")
	secrets := filepath.Join(w.dir, "secrets.toml")
	data, err := os.ReadFile(secrets)
	if err != nil {
		t.Fatal(err)
	}
	edited := regexp.MustCompile(`(?m)^(\s*access_token = "[^"]*)"`).ReplaceAllString(string(data), `${1}`+evil+`"`)
	if edited == string(data) {
		t.Fatal("no access token in secrets.toml to edit")
	}
	if err := os.WriteFile(secrets, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.run("", nil, "token", "p")
	if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "control characters") || rawControl.MatchString(r.stderr) {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
