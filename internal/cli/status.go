package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/profile"
)

type statusOptions struct {
	target  // Name empty: every profile
	JSON    bool
	Offline bool
}

func newStatusCmd(root *rootOptions, streams Streams, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status [NAME]",
		Short: "Check that profiles still work: tokens, refresh token age, sites, scopes, a live call",
		Long: `status tells, for one profile or all of them, whether the access token is
valid, how old the refresh token is and the day it expires if unused (Atlassian
drops it after 90 days unused), the sites and scopes the consent reached, where
the secrets are kept, and the result of a live call to Confluence (skipped with
--offline). It exits with 3 when any profile needs attention.`,
		Example: `  authwiz status
  authwiz status "OAuth2 confluence Authentication" --json
  authwiz status --offline`,
		Args:              usageArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: completeProfiles(root, streams),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if err := checkTimeout(root); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runStatus(cmd.Context(), root, streams, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON on stdout (never any secret)")
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "skip the live call to Confluence")
	addTimeoutFlag(cmd, root)
	addRehearsalFlag(cmd, &opts.Rehearsal)
	return cmd
}

// profileStatus is one profile's health, as `status --json` gives it.
type profileStatus struct {
	profileEntry
	AccessExpiresAt        *time.Time `json:"access_token_expires_at,omitempty"`
	RefreshIssuedAt        *time.Time `json:"refresh_token_issued_at,omitempty"`
	RefreshExpiresUnusedAt *time.Time `json:"refresh_token_expires_unused_at,omitempty"`
	// ConsentedAt and GrantEndsAt: Atlassian ends every grant 365 days
	// after its consent, however often it is used.
	ConsentedAt     *time.Time  `json:"consented_at,omitempty"`
	GrantEndsAt     *time.Time  `json:"grant_ends_at,omitempty"`
	Sites           []siteEntry `json:"sites"`
	RequestedScopes []string    `json:"requested_scopes"`
	GrantedScopes   []string    `json:"granted_scopes"`
	MissingScopes   []string    `json:"missing_scopes"`
	// KeyringProblem says why secrets are in the file when no keyring works.
	KeyringProblem string `json:"keyring_problem,omitempty"`
	// Demo says, for a rehearsal profile, whether `authwiz demo` runs.
	Demo     string      `json:"demo,omitempty"`
	Check    checkResult `json:"check"`
	Problems []string    `json:"problems"`
	// Warnings say what to do before one of Atlassian's limits ends the
	// grant; they do not make the profile need attention yet.
	Warnings       []string `json:"warnings"`
	NeedsAttention bool     `json:"needs_attention"`
}

// setTokens fills in what s says about p's tokens at now.
func (s *profileStatus) setTokens(p profile.Profile, t target, now time.Time) {
	s.Token = tokenOf(p, now)
	s.AccessExpiresAt = timeOrNil(p.Tokens.AccessExpiry)
	s.RefreshIssuedAt = timeOrNil(p.Tokens.RefreshIssuedAt)
	s.ConsentedAt = timeOrNil(p.Tokens.ConsentedAt)
	out := p.Outlook(now)
	s.RefreshExpiresUnusedAt = timeOrNil(out.UnusedEnds.At)
	s.GrantEndsAt = timeOrNil(out.GrantEnds.At)
	s.Warnings = []string{}
	if h, _ := p.TokenState(now); h == profile.NeedsConsent {
		return // the problem says what to do; a warning ahead would be late
	}
	if d := out.UnusedEnds; d.Soon {
		s.Warnings = append(s.Warnings, fmt.Sprintf("the refresh token ends on %s unless it is used: any `%s` before then renews it",
			day(d.At), commandFor("token", t)))
	}
	if d := out.GrantEnds; d.Soon {
		s.Warnings = append(s.Warnings, fmt.Sprintf("the grant ends on %s, 365 days after its consent, however often it is used: run `%s` before then",
			day(d.At), commandFor("login", t)))
	}
}

type checkResult struct {
	// Result is ok, failed or skipped.
	Result string `json:"result"`
	Detail string `json:"detail,omitempty"`
}

func runStatus(ctx context.Context, root *rootOptions, streams Streams, opts *statusOptions) error {
	var statuses []profileStatus
	reads := newSharedReads(root)
	defer reads.close()
	check := func(store *profile.Store, p profile.Profile, rehearsal bool) {
		statuses = append(statuses, checkProfile(ctx, root, reads, store, p, target{p.Name, rehearsal}, opts.Offline))
	}
	if opts.Name != "" {
		store, p, err := openTarget(root, streams, opts.target)
		if err != nil {
			return err
		}
		check(store, p, opts.Rehearsal)
	} else {
		for _, rehearsal := range []bool{false, true} {
			store, err := storeFor(root, streams, rehearsal)
			if err != nil {
				return err
			}
			list, err := store.List()
			if err != nil {
				return err
			}
			for _, p := range list {
				check(store, p, rehearsal)
			}
		}
	}
	if opts.JSON {
		if statuses == nil {
			statuses = []profileStatus{}
		}
		if err := writeJSON(streams.Out, statuses); err != nil {
			return err
		}
	} else {
		if len(statuses) == 0 {
			fmt.Fprintln(streams.Err, noProfiles())
		}
		for _, s := range statuses {
			printStatus(streams.Out, s, root.clock())
		}
	}
	// Rehearsal profiles count only when asked about: a rehearsal left
	// behind must not fail a script's health check of the real ones.
	var attention []string
	for _, s := range statuses {
		if s.NeedsAttention && (!s.Rehearsal || opts.Rehearsal) {
			attention = append(attention, s.Name)
		}
	}
	if len(attention) > 0 {
		return attentionError{fmt.Errorf("needs attention: %s", strings.Join(attention, ", "))}
	}
	return nil
}

// checkProfile works out one profile's status, with a live call unless
// offline. It never fails: what goes wrong is part of the status.
func checkProfile(ctx context.Context, root *rootOptions, reads *sharedReads, store *profile.Store, p profile.Profile, t target, offline bool) profileStatus {
	now := root.clock()
	var followErr error
	if t.Rehearsal {
		p, followErr = followDemo(store, p)
	}
	s := profileStatus{
		profileEntry:    entryOf(p, t.Rehearsal, now),
		RequestedScopes: p.Scopes,
		Sites:           []siteEntry{},
		GrantedScopes:   []string{},
		MissingScopes:   []string{},
		Problems:        []string{},
	}
	s.setTokens(p, t, now)
	if t.Rehearsal {
		s.Demo = demoState(store)
		if followErr != nil {
			s.Problems = append(s.Problems, followErr.Error())
		}
	}
	if shared := sharedStatus(ctx, reads, s, p.Tokens.HasRefresh); shared.Shared != nil {
		return shared
	}
	for _, site := range p.Sites {
		s.Sites = append(s.Sites, *siteOf(site))
	}
	if p.SecretStorage == profile.StorageFile && !t.Rehearsal {
		if err := store.KeyringStatus(); err != nil {
			s.KeyringProblem = err.Error()
		}
	}
	health, state := p.TokenState(now)
	if health != profile.Healthy {
		s.Problems = append(s.Problems, fmt.Sprintf("token %s: run `%s`", state, commandFor("login", t)))
	}
	_, sec, err := store.Get(p.Name)
	if err != nil {
		s.Problems = append(s.Problems, "secrets unreadable: "+err.Error())
	} else {
		s.GrantedScopes = append(s.GrantedScopes, sec.GrantedScopes...)
		for _, want := range p.Scopes {
			if len(sec.GrantedScopes) > 0 && !slices.Contains(sec.GrantedScopes, want) {
				s.MissingScopes = append(s.MissingScopes, want)
			}
		}
	}
	switch {
	case offline:
		s.Check = checkResult{Result: "skipped", Detail: "--offline"}
	case health == profile.NeedsConsent || err != nil:
		s.Check = checkResult{Result: "skipped", Detail: "no usable token"}
	case t.Rehearsal && rehearsalDown(ctx, p) != nil:
		s.Check = checkResult{Result: "skipped", Detail: "`" + suggest("demo") + "` is not running; rehearsal tokens work only while it runs"}
	default:
		s.Check = liveCheck(ctx, root, store, p, sec.GrantedScopes, t)
		if s.Check.Result == "failed" {
			s.Problems = append(s.Problems, "live check failed: "+s.Check.Detail)
		}
		// The check may have refreshed the token: report the one saved now.
		if fresh, _, err := store.Get(p.Name); err == nil {
			s.setTokens(fresh, t, now)
		}
	}
	s.NeedsAttention = len(s.Problems) > 0
	return s
}

// liveCheck gets a token (refreshing and saving it if due) and makes the
// cheap Confluence call the consent made.
func liveCheck(ctx context.Context, root *rootOptions, store *profile.Store, p profile.Profile, granted []string, t target) checkResult {
	tok, err := runnerFor(root, store).TokenSource(p.Name).TokenContext(ctx)
	if err != nil {
		return checkResult{Result: "failed", Detail: tokenFailure(t, err).Error()}
	}
	site := p.Site
	if site.CloudID == "" && len(p.Sites) > 0 {
		site = p.Sites[0]
	}
	if site.CloudID == "" {
		return checkResult{Result: "failed", Detail: "no site saved: run `" + commandFor("login", t) + "`"}
	}
	client := &atlassian.Client{BaseURL: p.APIBaseURL, HTTP: root.httpClient()}
	v, err := client.VerifyConfluence(ctx, tok.AccessToken, site.CloudID, granted)
	var refused *atlassian.APIError
	switch {
	case errors.Is(err, atlassian.ErrNoCheckScope):
		return checkResult{Result: "skipped", Detail: "no granted scope allows a cheap read"}
	case errors.As(err, &refused) && refused.SiteNotReached == site.CloudID:
		// Atlassian knows the site by its cloud ID only; the admin knows
		// it by the name and address saved with the profile.
		answer := fmt.Sprint(refused.Status)
		if refused.Message != "" {
			answer += " (" + refused.Message + ")"
		}
		return checkResult{Result: "failed", Detail: fmt.Sprintf("could not %s: Atlassian answered %s. The token works, but the consent does not reach %s (%s), the site this profile uses: "+
			"consent again with `%s` and choose %s under Use app on", refused.Doing, answer, site.Name, site.URL, commandFor("login", t), site.Name)}
	case err != nil:
		return checkResult{Result: "failed", Detail: err.Error()}
	}
	return checkResult{Result: "ok", Detail: v.Summary + " on " + site.Name}
}

func printStatus(out io.Writer, s profileStatus, now time.Time) {
	name := s.Name
	if s.Rehearsal {
		name += " (rehearsal)"
	}
	mark := "✓"
	if s.NeedsAttention {
		mark = "!"
	}
	fmt.Fprintf(out, "%s %s\n", mark, shown(name))
	line := func(k, v string) { fmt.Fprintf(out, "    %-9s %s\n", k, shown(v)) }
	token := s.Token.State
	// An access token's time means something only while the profile can
	// hand out tokens: a past one beside "valid" reads as a contradiction.
	switch {
	case s.AccessExpiresAt == nil || s.Token.Health == healthNames[profile.NeedsConsent]:
	case s.AccessExpiresAt.After(now):
		token += "; access token until " + when(*s.AccessExpiresAt)
	default:
		token += "; access token expired, renewed on the next use"
	}
	line("token", token)
	if s.RefreshIssuedAt != nil && s.RefreshExpiresUnusedAt != nil {
		line("refresh", fmt.Sprintf("issued %s, expires if unused on %s", day(*s.RefreshIssuedAt), day(*s.RefreshExpiresUnusedAt)))
	}
	if s.ConsentedAt != nil && s.GrantEndsAt != nil {
		line("grant", fmt.Sprintf("consent given %s, ends on %s (Atlassian's 365-day limit)", day(*s.ConsentedAt), day(*s.GrantEndsAt)))
	}
	if s.Site != nil {
		line("site", fmt.Sprintf("%s (%s), %d reachable", s.Site.Name, s.Site.URL, len(s.Sites)))
	} else {
		line("site", fmt.Sprintf("none chosen, %d reachable", len(s.Sites)))
	}
	scopes := fmt.Sprintf("%d requested", len(s.RequestedScopes))
	if len(s.GrantedScopes) > 0 {
		scopes = fmt.Sprintf("%d of %d requested granted", len(s.RequestedScopes)-len(s.MissingScopes), len(s.RequestedScopes))
	}
	if len(s.MissingScopes) > 0 {
		scopes += "; not granted: " + strings.Join(s.MissingScopes, " ")
	}
	line("scopes", scopes)
	secrets := storageWords(s.SecretStorage)
	if s.KeyringProblem != "" {
		secrets += " — no OS keyring here: " + s.KeyringProblem
	}
	if s.Shared != nil {
		secrets = "sealed in the shared store"
	}
	line("secrets", secrets)
	if s.Demo != "" {
		line("demo", s.Demo)
	}
	if s.Shared != nil {
		printShared(line, s.Shared)
	}
	line("check", s.Check.Result+detail(s.Check.Detail))
	for _, p := range s.Problems {
		line("attention", p)
	}
	for _, w := range s.Warnings {
		line("warning", w)
	}
}

func detail(d string) string {
	if d == "" {
		return ""
	}
	return ": " + d
}
