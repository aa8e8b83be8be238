package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

type listOptions struct {
	JSON bool
}

func newListCmd(root *rootOptions, streams Streams, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List saved profiles, real and rehearsal, with their token state",
		Long: `list shows every saved profile, real ones first, then rehearsal ones (made in
authwiz demo, marked "(rehearsal)"): its name, default site, token state and
where its secrets are kept. It reads the profile files and changes nothing,
so it works on a read-only config dir. It makes no network call, except for
profiles shared with authwiz share: their grant is read from their shared
store, each store connected to once (5s at most); one that is down shows as
"unreachable".

The token state is "valid", "expires in …" (an access token without a refresh
token, or one about to be renewed), or "needs consent" with why (settings
changed, refresh token rejected, refresh interrupted, unused 90 days, the
365-day limit); run authwiz login NAME for those. With --json the same on
stdout for scripts (.token.health is ok, expiring or needs_consent), never
any secret.`,
		Example: `  authwiz list
  authwiz list --json | jq -r '.[] | select(.token.health != "ok") | .name'`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(root, streams, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON on stdout (never any secret)")
	return cmd
}

// allEntries lists real profiles, then rehearsal ones.
func allEntries(root *rootOptions, streams Streams) ([]profileEntry, error) {
	var entries []profileEntry
	now := root.clock()
	reads := newSharedReads(root)
	defer reads.close()
	for _, rehearsal := range []bool{false, true} {
		store, err := storeFor(root, streams, rehearsal)
		if err != nil {
			return nil, err
		}
		list, err := store.List()
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			entries = append(entries, withShared(context.Background(), reads, entryOf(p, rehearsal, now), p.Tokens.HasRefresh))
		}
	}
	return entries, nil
}

func runList(root *rootOptions, streams Streams, opts *listOptions) error {
	entries, err := allEntries(root, streams)
	if err != nil {
		return err
	}
	if opts.JSON {
		if entries == nil {
			entries = []profileEntry{}
		}
		return writeJSON(streams.Out, entries)
	}
	// A record left without its profile keeps new off its name: said
	// here, before new refuses. Its unreadable file is said per profile.
	if dir, err := configDir(root); err == nil {
		if links, err := loadShared(dir); err == nil {
			var names []string
			for _, e := range entries {
				if !e.Rehearsal {
					names = append(names, e.Name)
				}
			}
			sayRecordsWithoutProfile(streams, names, links)
		}
	}
	if len(entries) == 0 {
		fmt.Fprintln(streams.Err, noProfiles())
		return nil
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSITE\tTOKEN\tSECRETS\t")
	for _, e := range entries {
		name := e.Name
		if e.Rehearsal {
			name += " (rehearsal)"
		}
		site := "-"
		if e.Site != nil {
			site = e.Site.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", shown(name), shown(site), shown(e.Token.State), shown(e.SecretStorage))
	}
	return tw.Flush()
}
