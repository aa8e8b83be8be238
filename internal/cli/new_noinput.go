package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
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
	// From is a settings file (`authwiz export`) whose values fill every
	// field not given as a flag.
	From      string
	changed   func(flag string) bool
	Login     bool
	NoBrowser bool
	Site      string
	// Timeout bounds the wait for the consent and each question after it.
	Timeout time.Duration
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
	o.changed = f.Changed
	f.StringVar(&o.From, "from", "", "start from the settings in this file, written by authwiz export (a flag given beside it wins)")
	f.StringVar(&o.Site, "site", "", "with --login: the default site (name, URL or cloud ID) when the consent reaches several")
	f.DurationVar(&o.Timeout, "timeout", oauthflow.DefaultTimeout, "with --login: how long to wait for the consent, and for each question after it")
}

// importSettings fills every field not given as a flag with the file's
// value, where the file has one.
func (o *noInputOptions) importSettings(in setup.Input) {
	for _, f := range []struct {
		flag     string
		to       *string
		imported string
	}{
		{"name", &o.Name, in.Name}, {"app-name", &o.AppName, in.AppName}, {"client-id", &o.ClientID, in.ClientID},
		{"redirect-url", &o.RedirectURL, in.RedirectURL}, {"auth-url", &o.AuthURL, in.AuthURL},
		{"token-url", &o.TokenURL, in.TokenURL}, {"api-url", &o.APIURL, in.APIBaseURL},
		{"scopes", &o.Scopes, strings.Join(in.Scopes, " ")},
	} {
		if f.imported != "" && !o.changed(f.flag) {
			*f.to = f.imported
		}
	}
}

// check applies the rules every profile meets (the wizard's too) and
// returns every problem at once, with the cleaned profile and secret.
// saved are the profiles already saved: their names are taken, and one
// of the same app is warned about.
func (o *noInputOptions) check(saved []profile.Profile, secret string, secretErr error) (p profile.Profile, cleanSecret string, problems, warnings []string) {
	res := setup.Check(setup.Input{
		Name: o.Name, AppName: o.AppName, ClientID: o.ClientID, RedirectURL: o.RedirectURL,
		AuthURL: o.AuthURL, TokenURL: o.TokenURL, APIBaseURL: o.APIURL,
		Scopes: setup.RequestScopes(strings.Fields(o.Scopes), false),
		Secret: secret, Taken: profile.Names(saved), Saved: saved,
	})
	for _, p := range res.Problems {
		if p.Field == "Client secret" && secretErr != nil {
			continue // the secret was not given at all: secretErr says how to
		}
		problems = append(problems, p.Error())
	}
	if secretErr != nil {
		problems = append(problems, secretErr.Error())
	}
	for _, w := range res.Warnings {
		warnings = append(warnings, w.Field+": "+w.Message)
	}
	return res.Profile, res.Secret, problems, warnings
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
		return "", secretProblem("give it with --client-secret-stdin, --client-secret-file FILE or %s", secretEnv)
	case sources > 1:
		return "", secretProblem("give it one way only (--client-secret-stdin, --client-secret-file or %s)", secretEnv)
	case o.SecretStdin:
		return readBoundedSecret(stdin, "standard input")
	case o.SecretFile != "":
		f, err := os.Open(o.SecretFile)
		if err != nil {
			return "", secretProblem("%v", err)
		}
		defer f.Close()
		return readBoundedSecret(f, o.SecretFile)
	case len(env) > validate.MaxSecretBytes:
		return "", secretTooLong(secretEnv)
	}
	return env, nil
}

// readBoundedSecret reads a client secret from r, named from, refusing one
// longer than validate.MaxSecretBytes: cutting it would save a wrong
// secret, and reading on would let a wrong file (/dev/zero, a log) fill
// the memory.
func readBoundedSecret(r io.Reader, from string) (string, error) {
	b, err := readAtMost(r, validate.MaxSecretBytes)
	if err != nil {
		return "", secretProblem("read %s: %v", from, err)
	}
	if len(b) > validate.MaxSecretBytes {
		return "", secretTooLong(from)
	}
	return string(b), nil
}

func secretTooLong(from string) error {
	return secretProblem("%s holds more than %d bytes, far more than a client secret (Atlassian's are under 100 characters): "+
		"give the Secret from Settings in the Developer Console alone", from, validate.MaxSecretBytes)
}

// secretProblem is a problem with the client secret, named by its field
// like the other problems listed.
func secretProblem(format string, args ...any) error {
	return &validate.Error{Field: "Client secret", Message: fmt.Sprintf(format, args...)}
}

var errSecretFlag = errors.New("--client-secret is refused: a secret given as a flag stays in shell history and is visible to other users in the process list. Use --client-secret-stdin, --client-secret-file FILE or " + secretEnv)

func runNoInput(ctx context.Context, root *rootOptions, streams Streams, o *noInputOptions, getenv func(string) string, opener browser.Opener) error {
	if o.secretFlag != nil && o.secretFlag() {
		return usageError{errSecretFlag}
	}
	if o.Timeout <= 0 {
		return usageError{errors.New("--timeout must be positive, like 5m")}
	}
	if o.From != "" {
		in, err := readSettingsFile(o.From)
		if err != nil {
			return err
		}
		o.importSettings(in)
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
	p, secret, problems, warnings := o.check(list, secret, secretErr)
	if err := sharedNameTaken(root, p.Name); err != nil {
		problems = append(problems, "Name: "+err.Error())
	}
	for _, w := range warnings {
		fmt.Fprintln(streams.Err, "Warning:", w)
	}
	if len(problems) > 0 {
		return usageError{fmt.Errorf("nothing was saved:\n  %s", strings.Join(problems, "\n  "))}
	}
	if err := store.Create(p, profile.Secrets{ClientSecret: secret}); err != nil {
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
	runner := runnerFor(root, store)
	runner.Timeout = o.Timeout
	return converse(ctx, consent.Conversation{
		Consents: runner, Name: saved.Name, Browser: opener, NoBrowser: o.NoBrowser,
		In: streams.In, Out: streams.Err, Site: o.Site, Timeout: o.Timeout,
	})
}
