package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/profile"
)

type showOptions struct {
	target
	JSON bool
}

func newShowCmd(root *rootOptions, streams Streams, runF func(context.Context, *showOptions) error) *cobra.Command {
	opts := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a profile's settings; secrets only as set or not set",
		Long: `show prints the settings of the profile called NAME: app name, Redirect URL,
Client ID, the authorization, token and API endpoints, scopes, default site,
token state and where its secrets are kept. The client secret and the tokens
appear only as "set" or "not set"; authwiz never prints them (authwiz token
prints an access token, for scripts).

It reads the profile files (and the OS keyring, for secrets kept there),
makes no network call and changes nothing. Of a profile shared with authwiz
share it says which store holds the grant, from this host's records;
authwiz status reads the store itself. With --rehearsal it shows a rehearsal
profile; with --json the same on stdout for scripts.`,
		Example: `  authwiz show "OAuth2 confluence Authentication"
  authwiz show --rehearsal "OAuth2 confluence Authentication" --json`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runShow(root, streams, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON on stdout (never any secret)")
	addRehearsalFlag(cmd, &opts.Rehearsal)
	return cmd
}

// shownProfile is `show --json`: every setting, and of the secrets only
// whether each is set.
type shownProfile struct {
	profileEntry
	Type          string      `json:"type"`
	AppName       string      `json:"app_name"`
	RedirectURL   string      `json:"redirect_url"`
	ClientID      string      `json:"client_id"`
	AuthURL       string      `json:"auth_url"`
	TokenURL      string      `json:"token_url"`
	APIBaseURL    string      `json:"api_base_url"`
	Scopes        []string    `json:"scopes"`
	Sites         []siteEntry `json:"sites"`
	TokensStale   bool        `json:"tokens_stale"`
	ClientSecret  string      `json:"client_secret"`
	AccessToken   string      `json:"access_token"`
	RefreshToken  string      `json:"refresh_token"`
	AccessExpiry  *time.Time  `json:"access_token_expires_at,omitempty"`
	RefreshIssued *time.Time  `json:"refresh_token_issued_at,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
}

func setOrNot(v bool) string {
	if v {
		return "set"
	}
	return "not set"
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func showOf(p profile.Profile, clientSecretSet, rehearsal bool, now time.Time) shownProfile {
	sites := make([]siteEntry, 0, len(p.Sites))
	for _, s := range p.Sites {
		sites = append(sites, *siteOf(s))
	}
	return shownProfile{
		profileEntry: entryOf(p, rehearsal, now),
		Type:         p.Type, AppName: p.AppName, RedirectURL: p.RedirectURL, ClientID: p.ClientID,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, APIBaseURL: p.APIBaseURL, Scopes: p.Scopes,
		Sites: sites, TokensStale: p.TokensStale,
		ClientSecret:  setOrNot(clientSecretSet),
		AccessToken:   setOrNot(p.Tokens.HasAccess),
		RefreshToken:  setOrNot(p.Tokens.HasRefresh),
		AccessExpiry:  timeOrNil(p.Tokens.AccessExpiry),
		RefreshIssued: timeOrNil(p.Tokens.RefreshIssuedAt),
		CreatedAt:     p.CreatedAt,
	}
}

func runShow(root *rootOptions, streams Streams, opts *showOptions) error {
	store, p, err := openTarget(root, streams, opts.target)
	if err != nil {
		return err
	}
	_, sec, err := store.Get(p.Name)
	if err != nil {
		return err
	}
	v := showOf(p, sec.ClientSecret != "", opts.Rehearsal, root.clock())
	if !opts.Rehearsal {
		v = sharedShow(root, v)
	}
	if opts.JSON {
		return writeJSON(streams.Out, v)
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, shown(v)) }
	name := v.Name
	if v.Rehearsal {
		name += " (rehearsal)"
	}
	row("Name", name)
	row("App name", v.AppName)
	row("Redirect URL", v.RedirectURL)
	row("Client ID", v.ClientID)
	row("Client secret", v.ClientSecret)
	row("Authorization URL", v.AuthURL)
	row("Token URL", v.TokenURL)
	row("API base URL", v.APIBaseURL)
	row("Scopes", strings.Join(v.Scopes, " "))
	if v.Site != nil {
		row("Default site", fmt.Sprintf("%s (%s)", v.Site.Name, v.Site.URL))
	}
	row("Token", v.Token.State)
	row("Access token", v.AccessToken)
	row("Refresh token", v.RefreshToken)
	if sh := v.Shared; sh != nil && sh.State != "unreadable" {
		where := sh.Store
		if sh.Grant != "" {
			where += fmt.Sprintf(" (as %q)", sh.Grant)
		}
		row("Grant lives in", fmt.Sprintf("%s, shared; this host a %s", where, sh.Role))
		row("Secrets kept in", storageWords(p.SecretStorage)+" (the client secret); the tokens sealed in the shared store")
	} else {
		row("Secrets kept in", storageWords(v.SecretStorage))
	}
	return tw.Flush()
}

// sharedShow is v of a profile whose grant lives in a shared store: its
// tokens are there, not missing, and show reads no store to tell more.
func sharedShow(root *rootOptions, v shownProfile) shownProfile {
	link, ok, err := sharedLinkOf(root, v.Name)
	sh := linkEntry(v.Name, link, ok, err)
	if sh == nil {
		return v
	}
	v.Shared = sh
	if sh.State == "unreadable" {
		v.Token = tokenEntry{Health: "unknown", State: "unknown: " + sh.Problem}
		return v
	}
	v.SecretStorage = "shared"
	v.Token = tokenEntry{Health: "unknown", State: fmt.Sprintf("in the shared store, not on this host: `%s` reads it", profile.Command("status", v.Name))}
	v.AccessToken, v.RefreshToken = "in the shared store", "in the shared store"
	if link.Consumer {
		v.RefreshToken = "in the shared store, for the refresher hosts only"
	}
	v.AccessExpiry, v.RefreshIssued = nil, nil
	return v
}

func storageWords(storage string) string {
	if storage == profile.StorageKeyring {
		return "the OS keyring"
	}
	return "secrets.toml (readable by you only)"
}
