package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// secretEnv is the environment variable a script may hand the client
// secret in.
const secretEnv = "AUTHWIZ_CLIENT_SECRET"

// noInputOptions is `authwiz new --no-input`: every field as a flag, the
// client secret from stdin, a file or the environment, never a flag value.
type noInputOptions struct {
	NoInput      bool
	Name         string
	AppName      string
	ClientID     string
	RedirectURL  string
	AuthURL      string
	TokenURL     string
	APIURL       string
	Scopes       string
	SecretStdin  bool
	SecretFile   string
	SecretInFlag string // given only to be refused
	secretFlag   func() bool
	Login        bool
	NoBrowser    bool
	Site         string
}

func addNoInputFlags(cmd *cobra.Command, o *noInputOptions) {
	f := cmd.Flags()
	f.BoolVar(&o.NoInput, "no-input", false, "create the profile from flags, without the wizard")
	f.StringVar(&o.Name, "name", profile.DefaultName, "profile name")
	f.StringVar(&o.AppName, "app-name", profile.DefaultAppName, "the app's name in the Developer Console")
	f.StringVar(&o.ClientID, "client-id", "", "Client ID from the app's Settings page")
	f.StringVar(&o.RedirectURL, "redirect-url", profile.DefaultRedirectURL, "Redirect URL (the app's Callback URL)")
	f.StringVar(&o.AuthURL, "auth-url", atlassian.DefaultAuthURL, "authorization endpoint")
	f.StringVar(&o.TokenURL, "token-url", atlassian.DefaultTokenURL, "token endpoint")
	f.StringVar(&o.APIURL, "api-url", atlassian.DefaultAPIBaseURL, "API base URL")
	f.StringVar(&o.Scopes, "scopes", "", "scopes, separated by spaces (offline_access is added unless listed otherwise)")
	f.BoolVar(&o.SecretStdin, "client-secret-stdin", false, "read the client secret from standard input")
	f.StringVar(&o.SecretFile, "client-secret-file", "", "read the client secret from this file")
	f.StringVar(&o.SecretInFlag, "client-secret", "", "refused: a secret in a flag ends up in shell history and process lists")
	f.BoolVar(&o.Login, "login", false, "run the consent straight after saving")
	f.BoolVar(&o.NoBrowser, "no-browser", false, "with --login: print the link instead of opening a browser")
	_ = f.MarkHidden("client-secret")
	o.secretFlag = func() bool { return f.Changed("client-secret") }
	f.StringVar(&o.Site, "site", "", "with --login: the default site (name, URL or cloud ID) when the consent reaches several")
}

// validate checks every field and returns every problem at once, with the
// cleaned profile when there are none.
func (o *noInputOptions) validate(taken []string, secret string, secretErr error) (p profile.Profile, problems, warnings []string) {
	field := func(r validate.Result) string {
		if r.Err != nil {
			problems = append(problems, r.Err.Error())
		}
		for _, w := range r.Warnings {
			warnings = append(warnings, w.Field+": "+w.Message)
		}
		return r.Value
	}
	p = profile.Profile{
		Name:        field(validate.ProfileName(o.Name, taken, "")),
		Type:        profile.TypeOAuth2,
		AppName:     field(validate.AppName(o.AppName)),
		ClientID:    field(validate.ClientID(o.ClientID)),
		RedirectURL: field(validate.RedirectURL(o.RedirectURL)),
		AuthURL:     field(validate.EndpointURL("Authorization URL", o.AuthURL)),
		TokenURL:    field(validate.EndpointURL("Token URL", o.TokenURL)),
		APIBaseURL:  field(validate.APIBaseURL(o.APIURL)),
	}
	if secretErr != nil {
		problems = append(problems, secretErr.Error())
	} else {
		field(validate.ClientSecret(secret))
	}
	scopes := strings.Fields(o.Scopes)
	if len(scopes) > 0 && !strings.Contains(o.Scopes, atlassian.OfflineAccess) {
		scopes = append(scopes, atlassian.OfflineAccess)
	}
	sr := validate.Scopes(strings.Join(scopes, " "), atlassian.KnownScope)
	if sr.Err != nil {
		problems = append(problems, sr.Err.Error())
	}
	for _, w := range sr.Warnings {
		warnings = append(warnings, w.Field+": "+w.Message)
	}
	p.Scopes = sr.Scopes
	return p, problems, warnings
}

// readSecret takes the client secret from exactly one of its sources.
func (o *noInputOptions) readSecret(stdin io.Reader, getenv func(string) string) (string, error) {
	env := getenv(secretEnv)
	sources := 0
	for _, set := range []bool{o.SecretStdin, o.SecretFile != "", env != ""} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		return "", fmt.Errorf("Client secret: give it with --client-secret-stdin, --client-secret-file FILE or %s", secretEnv)
	case sources > 1:
		return "", fmt.Errorf("Client secret: give it one way only (--client-secret-stdin, --client-secret-file or %s)", secretEnv)
	case o.SecretStdin:
		b, err := io.ReadAll(io.LimitReader(stdin, 64<<10))
		if err != nil {
			return "", fmt.Errorf("Client secret: read standard input: %w", err)
		}
		return string(b), nil
	case o.SecretFile != "":
		b, err := os.ReadFile(o.SecretFile)
		if err != nil {
			return "", fmt.Errorf("Client secret: %w", err)
		}
		return string(b), nil
	}
	return env, nil
}

var errSecretFlag = errors.New("--client-secret is refused: a secret given as a flag stays in shell history and is visible to other users in the process list. Use --client-secret-stdin, --client-secret-file FILE or " + secretEnv)

func runNoInput(ctx context.Context, root *rootOptions, streams Streams, o *noInputOptions, getenv func(string) string, opener browser.Opener) error {
	if o.secretFlag != nil && o.secretFlag() {
		return usageError{errSecretFlag}
	}
	store, err := openStore(root, streams)
	if err != nil {
		return err
	}
	list, err := store.List()
	if err != nil {
		return err
	}
	secret, secretErr := o.readSecret(streams.In, getenv)
	p, problems, warnings := o.validate(profile.Names(list), secret, secretErr)
	for _, w := range warnings {
		fmt.Fprintln(streams.Err, "Warning:", w)
	}
	if len(problems) > 0 {
		return usageError{fmt.Errorf("nothing was saved:\n  %s", strings.Join(problems, "\n  "))}
	}
	if err := store.Create(p, profile.Secrets{ClientSecret: validate.Clean(secret)}); err != nil {
		return err
	}
	saved, _, err := store.Get(p.Name)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Err, "Saved %q; its secrets are in %s.\n", saved.Name, storageWords(saved.SecretStorage))
	if saved.SecretStorage == profile.StorageFile {
		if why := store.KeyringStatus(); why != nil && root.secrets != profile.StorageFile {
			fmt.Fprintf(streams.Err, "They are not in the OS keyring because none could be used here (%v).\n", why)
		}
	}
	if !o.Login {
		fmt.Fprintf(streams.Err, "Next: register %s as the app's Callback URL, then run `%s`.\n", saved.RedirectURL, profile.Command("login", saved.Name))
		return nil
	}
	return RunConsent(ctx, ConsentSession{
		Runner: runnerFor(root, store), Name: saved.Name, Browser: opener, NoBrowser: o.NoBrowser,
		In: streams.In, Out: streams.Err, Site: o.Site,
	})
}
