package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

type restoreOptions struct {
	from int
	yes  bool
}

func newRestoreCmd(root *rootOptions, streams Streams) *cobra.Command {
	var opts restoreOptions
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Mend damaged or disagreeing profile files from authwiz's backups",
		Long: `restore mends the profile store when authwiz refuses it: a file that cannot
be read, or a secrets file (or keyring entry) that lost what profiles.toml
says it holds. authwiz keeps a few earlier copies of each file
(profiles.toml.bak.1 …, secrets.toml.bak.1 …); restore lists them, newest
first, with what each holds, and puts back only what was lost. Profiles
that are sound keep their newer tokens. A file that cannot be read is kept
beside it, renamed, so nothing is lost.

A refresh token put back that was replaced since will likely be refused by
Atlassian: restore says so, and authwiz login NAME gets a new one. Of a
profile shared with authwiz share only the client secret is put back: its
grant stays in the shared store, and restore never brings back this host's
tokens from before it was shared.`,
		Example: "  authwiz restore            # show the backups, ask, restore the newest\n" +
			"  authwiz restore --from 2   # restore from the second newest\n" +
			"  authwiz restore --yes      # from a script",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !opts.yes {
				if err := canAsk(streams, "restore"); err != nil {
					return err
				}
			}
			store, err := openStore(root, streams)
			if err != nil {
				return err
			}
			dir, err := configDir(root)
			if err != nil {
				return err
			}
			links, err := loadShared(dir)
			if err != nil {
				// Without it restore cannot tell which tokens in the backups
				// belong to a grant the shared store holds now.
				return fmt.Errorf("%w; restore needs it to know which profiles are shared: mend it, then run restore again", err)
			}
			return runRestore(store, streams, links, opts)
		},
	}
	cmd.Flags().IntVar(&opts.from, "from", 1, "restore from the backup with this number (1 is the newest)")
	cmd.Flags().BoolVarP(&opts.yes, "yes", "y", false, "restore without asking")
	return cmd
}

func runRestore(store *profile.Store, streams Streams, links map[string]sharedLink, opts restoreOptions) error {
	shared := slices.Sorted(maps.Keys(links))
	plan, err := store.PlanRestore(shared)
	if err != nil {
		return err
	}
	if plan.Damage.None() {
		fmt.Fprintln(streams.Err, "Nothing to restore: every profile file reads fine and agrees with the others.")
		return sayLinksWithoutProfile(store, streams, links)
	}
	// Refused before any output: the list above a refusal reads as if
	// something was about to be restored.
	if n := len(plan.Candidates); n > 0 && (opts.from < 1 || opts.from > n) {
		return usageError{fmt.Errorf("--from %d: choose a backup between 1 and %d", opts.from, n)}
	}
	printDamage(streams.Err, plan.Damage)
	if len(plan.Candidates) == 0 {
		return errors.New("no backup can be read, so there is nothing to restore from; profiles whose secrets are lost need `authwiz login NAME` (or `authwiz edit NAME` for the client secret)")
	}
	fmt.Fprintln(streams.Err, "\nBackups, newest first:")
	for _, c := range plan.Candidates {
		printCandidate(streams.Err, c, c.Number == opts.from)
	}
	if !opts.yes {
		ok, err := confirm(streams, fmt.Sprintf("\nRestore from backup %d? [y/N] ", opts.from), "restore")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(streams.Err, "Nothing restored.")
			return nil
		}
	}
	res, err := store.Restore(opts.from, shared)
	for path, kept := range res.KeptAs {
		fmt.Fprintf(streams.Err, "Kept the damaged %s as %s\n", validate.Sanitize(path), validate.Sanitize(kept))
	}
	if err != nil {
		return fmt.Errorf("restoring from backup %d: %w", opts.from, err)
	}
	for _, name := range res.Profiles {
		if _, l, ok := linkFor(links, name); ok {
			fmt.Fprintf(streams.Err, "Put back %q; its grant stays in %s, so no token of it was put back here.\n", validate.Sanitize(name), validate.Sanitize(l.where()))
			continue
		}
		fmt.Fprintf(streams.Err, "Put back %q.\n", validate.Sanitize(name))
	}
	for _, name := range res.Rotated {
		fmt.Fprintf(streams.Err, "Warning: the refresh token put back for %q was replaced since; Atlassian will likely refuse it. If `authwiz token %s` fails, run `authwiz login %s`.\n",
			validate.Sanitize(name), validate.Sanitize(name), validate.Sanitize(name))
	}
	for _, name := range res.StillLost {
		fmt.Fprintf(streams.Err, "Backup %d does not hold the secrets of %q: try another with --from, or run `authwiz login %s`.\n",
			opts.from, validate.Sanitize(name), validate.Sanitize(name))
	}
	return sayLinksWithoutProfile(store, streams, links)
}

// sayLinksWithoutProfile names each shared record whose profile is gone
// and was not brought back. The record is kept, not dropped: the grant lives
// on in the store for the other hosts, and this host's journal of it may
// hold the only copy of its refresh token until a profile uses it again.
func sayLinksWithoutProfile(store *profile.Store, streams Streams, links map[string]sharedLink) error {
	list, err := store.List()
	if err != nil {
		return err
	}
	sayRecordsWithoutProfile(streams, profile.Names(list), links)
	return nil
}

// sayRecordsWithoutProfile warns of each record in links that none of the
// profiles called names has.
func sayRecordsWithoutProfile(streams Streams, names []string, links map[string]sharedLink) {
	for _, name := range slices.Sorted(maps.Keys(links)) {
		if slices.ContainsFunc(names, func(n string) bool { return nameMatches(n, name) }) {
			continue
		}
		if from, to, ok := renameLeft(links, name); ok {
			fmt.Fprintf(streams.Err, "Warning: the rename of %q to %q stopped midway, leaving %s with a record of its shared grant under both names: run `%s` to finish it.\n",
				validate.Sanitize(from), validate.Sanitize(to), sharedFileName, validate.Sanitize(renameCommand(from, to)))
			continue
		}
		l := links[name]
		in := l.where()
		if l.key(name) != name {
			in += fmt.Sprintf(" (as %q)", l.key(name))
		}
		fmt.Fprintf(streams.Err, "Warning: %s says the grant of %q lives in %s, but no profile here is called that. "+
			"The grant stays there for the other hosts, and no new profile can take that name while the record is kept: "+
			"run `%s`, which drops this host's record and says how to join the grant again.\n",
			sharedFileName, validate.Sanitize(name), validate.Sanitize(in), validate.Sanitize(forgetCommand(name)))
	}
}

// renameLeft finds the rename that left name's record, when a rename
// stopped midway did: name is the copy it made, or the record it copied.
func renameLeft(links map[string]sharedLink, name string) (from, to string, ok bool) {
	if from := links[name].RenamedFrom; from != "" {
		return from, name, true
	}
	for other, l := range links {
		if l.copiedFrom(name) {
			return name, other, true
		}
	}
	return "", "", false
}

func printDamage(w io.Writer, d profile.Damage) {
	fmt.Fprintln(w, "Found:")
	for _, err := range d.Unreadable {
		fmt.Fprintf(w, "  %s\n", validate.Sanitize(err.Error()))
	}
	for _, lost := range d.Lost {
		fmt.Fprintf(w, "  %s\n", validate.Sanitize(lost.Error()))
	}
}

func printCandidate(w io.Writer, c profile.Candidate, chosen bool) {
	mark := " "
	if chosen {
		mark = "›"
	}
	fmt.Fprintf(w, "%s %d. written %s (%s)\n", mark, c.Number, c.WrittenAt.Local().Format("2006-01-02 15:04"), validate.Sanitize(strings.Join(c.Files, ", ")))
	for _, p := range c.Profiles {
		fmt.Fprintf(w, "      %-20s %s\n", validate.Sanitize(p.Name), candidateHolds(p))
	}
}

func candidateHolds(p profile.CandidateProfile) string {
	var held []string
	switch {
	case p.InKeyring:
		held = append(held, "secrets in the OS keyring (not in backups)")
	case p.Shared && p.ClientSecret:
		held = append(held, "client secret; its grant is in the shared store, so no token is put back")
	case p.Shared:
		held = append(held, "no client secret; its grant is in the shared store")
	default:
		for _, h := range []struct {
			has  bool
			what string
		}{{p.ClientSecret, "client secret"}, {p.AccessToken, "access token"}, {p.RefreshToken, "refresh token"}} {
			if h.has {
				held = append(held, h.what)
			}
		}
		if len(held) == 0 {
			held = append(held, "no secrets")
		}
	}
	s := strings.Join(held, ", ")
	if p.PutBack {
		s += " — will be put back"
	}
	if p.Rotated {
		s += " (refresh token replaced since: likely refused)"
	}
	return s
}
