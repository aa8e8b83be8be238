package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// target is a profile named on the command line: real, or with
// --rehearsal one made in `authwiz demo`.
type target struct {
	Name      string
	Rehearsal bool
}

func addRehearsalFlag(cmd *cobra.Command, on *bool) {
	cmd.Flags().BoolVar(on, "rehearsal", false, "the rehearsal profile of that name (made in authwiz demo)")
}

// storeFor opens the store that holds real or rehearsal profiles.
func storeFor(opts *rootOptions, streams Streams, rehearsal bool) (*profile.Store, error) {
	if rehearsal {
		return openRehearsalStore(opts, streams)
	}
	return openStore(opts, streams)
}

// openTarget opens the store that holds t and finds the profile. A name
// found only on the other side (real or rehearsal) says so, with the flag
// that reaches it.
func openTarget(opts *rootOptions, streams Streams, t target) (*profile.Store, profile.Profile, error) {
	store, err := storeFor(opts, streams, t.Rehearsal)
	if err != nil {
		return nil, profile.Profile{}, err
	}
	p, err := findTarget(opts, streams, store, t)
	if err != nil {
		return nil, profile.Profile{}, err
	}
	return store, p, nil
}

// findTarget finds t in store, the store that holds its kind of profile.
func findTarget(opts *rootOptions, streams Streams, store *profile.Store, t target) (profile.Profile, error) {
	list, err := store.List()
	if err != nil {
		return profile.Profile{}, err
	}
	for _, p := range list {
		if nameMatches(p.Name, t.Name) {
			return p, nil
		}
	}
	if other, err := storeFor(opts, streams, !t.Rehearsal); err == nil {
		if others, err := other.List(); err == nil {
			for _, p := range others {
				if nameMatches(p.Name, t.Name) {
					return profile.Profile{}, fmt.Errorf("%w: %q is a %s profile; %s", profile.ErrNotFound, p.Name, kindOf(!t.Rehearsal), flagFor(!t.Rehearsal))
				}
			}
		}
	}
	return profile.Profile{}, fmt.Errorf("%w: no %s profile is called %q; `%s` shows them", profile.ErrNotFound, kindOf(t.Rehearsal), t.Name, suggest("list"))
}

func kindOf(rehearsal bool) string {
	if rehearsal {
		return "rehearsal"
	}
	return "real"
}

func flagFor(rehearsal bool) string {
	if rehearsal {
		return "add --rehearsal"
	}
	return "leave out --rehearsal"
}

// nameMatches compares names as the store does, without regard to case.
func nameMatches(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// runnerFor is the consent runner for a store, with the command line's seams.
func runnerFor(opts *rootOptions, store *profile.Store) *consent.Runner {
	return &consent.Runner{Store: store, HTTP: opts.httpClient(), Now: opts.now, RequestTimeout: opts.timeout}
}

// commandFor names t in a suggested command line.
func commandFor(verb string, t target) string {
	if t.Rehearsal {
		verb += " --rehearsal"
	}
	return profile.Command(verb, t.Name)
}

// profileEntry is one profile as `list --json` and `show --json` give it.
// It never holds a secret: only whether each one is set.
type profileEntry struct {
	Name          string     `json:"name"`
	Rehearsal     bool       `json:"rehearsal"`
	Site          *siteEntry `json:"site,omitempty"`
	Token         tokenEntry `json:"token"`
	SecretStorage string     `json:"secret_storage"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// Shared is where a shared grant lives (see shared.go).
	Shared *sharedEntry `json:"shared,omitempty"`
}

type siteEntry struct {
	CloudID string `json:"cloud_id"`
	Name    string `json:"name"`
	URL     string `json:"url"`
}

type tokenEntry struct {
	// Health is ok, expiring or needs_consent; State says it in words.
	Health string `json:"health"`
	State  string `json:"state"`
	// RefreshFailure is why the saved refresh token no longer works
	// (rejected, interrupted), remembered from RefreshFailedAt until a new
	// consent.
	RefreshFailure  string     `json:"refresh_failure,omitempty"`
	RefreshFailedAt *time.Time `json:"refresh_failed_at,omitempty"`
}

var healthNames = map[profile.Health]string{
	profile.Healthy:      "ok",
	profile.Expiring:     "expiring",
	profile.NeedsConsent: "needs_consent",
}

func entryOf(p profile.Profile, rehearsal bool, now time.Time) profileEntry {
	return profileEntry{
		Name: p.Name, Rehearsal: rehearsal, Site: siteOf(p.Site),
		Token:         tokenOf(p, now),
		SecretStorage: p.SecretStorage, UpdatedAt: p.UpdatedAt,
	}
}

// tokenOf is the token's state, with the moment a remembered refresh
// failure happened: "refresh interrupted" means little without when.
func tokenOf(p profile.Profile, now time.Time) tokenEntry {
	h, state := p.TokenState(now)
	e := tokenEntry{Health: healthNames[h], State: state}
	if t := p.Tokens; t.HasRefresh && t.RefreshFailure != "" {
		e.RefreshFailure, e.RefreshFailedAt = t.RefreshFailure, timeOrNil(t.RefreshFailedAt)
		if e.RefreshFailedAt != nil && !p.TokensStale {
			e.State += " since " + when(t.RefreshFailedAt)
		}
	}
	return e
}

// when is a moment as the text output shows it, in local time.
func when(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// day is a date as the text output shows it.
func day(t time.Time) string { return t.Local().Format("2006-01-02") }

func siteOf(s profile.Site) *siteEntry {
	if s.CloudID == "" {
		return nil
	}
	return &siteEntry{CloudID: s.CloudID, Name: s.Name, URL: s.URL}
}

// noProfiles: a command that lists found none anywhere.
func noProfiles() string {
	return fmt.Sprintf("no profiles yet: `%s` (or `%s` to rehearse) sets one up", profile.Program, suggest("demo"))
}

// completeProfiles completes the first argument with the names of saved
// profiles: the real ones, or with --rehearsal the rehearsal ones. Only
// the first argument is a profile (rename's second is a new name).
func completeProfiles(root *rootOptions, streams Streams) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		rehearsal, _ := cmd.Flags().GetBool("rehearsal")
		// Warnings about the store belong to real commands, not to every
		// press of Tab.
		store, err := storeFor(root, Streams{In: streams.In, Out: io.Discard, Err: io.Discard}, rehearsal)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		list, err := store.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var names []cobra.Completion
		for _, p := range list {
			name := validate.Sanitize(p.Name)
			if strings.HasPrefix(strings.ToLower(name), strings.ToLower(toComplete)) {
				names = append(names, name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
