package setup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/authwiz/authwiz/internal/profile"
)

// MaxSettingsFile bounds a settings file: one profile's settings are a few
// hundred bytes, so anything much larger is the wrong file, and reading it
// whole must not be able to exhaust memory.
const MaxSettingsFile = 64 << 10

// settingsHeader says what the file is to whoever opens it: it is handed
// between admins, so it must say plainly that it holds nothing secret.
const settingsHeader = `# authwiz settings for one Atlassian OAuth 2.0 (3LO) app: no client secret,
# no token. Safe to share with a colleague, who imports it with
#   authwiz new --from FILE
# and then gives the client secret and consents with their own account.

`

// settingsFile is the file's layout: only the fields of the Developer
// Console form and the endpoints. A key not listed here is refused, so a
// secret or token pasted in by hand is never taken for a setting.
type settingsFile struct {
	Name        string   `toml:"name"`
	AppName     string   `toml:"app_name,omitempty"`
	ClientID    string   `toml:"client_id"`
	RedirectURL string   `toml:"redirect_url"`
	AuthURL     string   `toml:"auth_url"`
	TokenURL    string   `toml:"token_url"`
	APIBaseURL  string   `toml:"api_base_url"`
	Scopes      []string `toml:"scopes"`
}

// settingsKeys are settingsFile's keys, spelt exactly: the TOML library
// also matches keys that differ in case, and "Client_ID" beside "client_id"
// would make one of them silently win.
var settingsKeys = map[string]bool{
	"name": true, "app_name": true, "client_id": true, "redirect_url": true,
	"auth_url": true, "token_url": true, "api_base_url": true, "scopes": true,
}

// WriteSettings is p's settings as a file `authwiz new --from` reads. It
// copies the settings field by field, so nothing the profile gains later
// (tokens, sites, secrets) can slip into a shared file.
func WriteSettings(p profile.Profile) []byte {
	f := settingsFile{
		Name: p.Name, AppName: p.AppName, ClientID: p.ClientID, RedirectURL: p.RedirectURL,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, APIBaseURL: p.APIBaseURL, Scopes: p.Scopes,
	}
	var buf bytes.Buffer
	buf.WriteString(settingsHeader)
	if err := toml.NewEncoder(&buf).Encode(f); err != nil {
		// Strings and a string list always encode and a bytes.Buffer never
		// fails to write: an error here is a broken build, not bad input.
		panic(fmt.Sprintf("encode settings: %v", err))
	}
	return buf.Bytes()
}

// ReadSettings reads a file WriteSettings wrote (or one written by hand in
// the same form) into an Input for Check. Every error says what to fix.
func ReadSettings(data []byte) (Input, error) {
	if len(data) > MaxSettingsFile {
		return Input{}, fmt.Errorf("the settings file is larger than %d KiB; a profile's settings are far smaller, so this is probably the wrong file", MaxSettingsFile>>10)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Input{}, errors.New("the settings file is empty; export one with `" + profile.Program + " export NAME --output FILE`")
	}
	var f settingsFile
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return Input{}, fmt.Errorf("the settings file cannot be read%s: %s", atLine(perr.Position.Line), perr.Message)
		}
		return Input{}, fmt.Errorf("the settings file cannot be read: %w", err)
	}
	for _, key := range md.Keys() {
		if settingsKeys[key[0]] {
			continue
		}
		return Input{}, fmt.Errorf("the settings file has an unknown key %q%s; it may hold only name, app_name, client_id, redirect_url, auth_url, token_url, api_base_url and scopes (never a secret or token): remove that line",
			key.String(), atLine(lineOfKey(data, key[0])))
	}
	return Input{
		Name: f.Name, AppName: f.AppName, ClientID: f.ClientID, RedirectURL: f.RedirectURL,
		AuthURL: f.AuthURL, TokenURL: f.TokenURL, APIBaseURL: f.APIBaseURL, Scopes: f.Scopes,
	}, nil
}

// ReadSettingsFile reads the settings file at path. It reads at most one
// byte more than a settings file may hold, so a wrong path such as a
// device or a huge log fails at once instead of filling memory.
func ReadSettingsFile(path string) (Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return Input{}, fmt.Errorf("open the settings file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSettingsFile+1))
	if err != nil {
		return Input{}, fmt.Errorf("read the settings file %s: %w", path, err)
	}
	return ReadSettings(data)
}

// atLine names line n, or nothing when the place is not known: a pointer
// to "line 0" would send the admin looking for a line that does not exist.
func atLine(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" at line %d", n)
}

// lineOfKey is the first line defining the top-level key (as `key =`,
// `key.sub =` or a `[key]` table). The TOML library keeps key positions to
// itself, and the file is small, so a scan is enough to point at the line.
func lineOfKey(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimLeft(strings.TrimSpace(line), "[")
		for _, form := range []string{key, `"` + key + `"`, `'` + key + `'`} {
			rest, ok := strings.CutPrefix(line, form)
			if rest = strings.TrimSpace(rest); ok && (strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "]")) {
				return i + 1
			}
		}
	}
	return 0
}
