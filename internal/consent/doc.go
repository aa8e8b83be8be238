// Package consent is the Atlassian consent as the wizard and `authwiz
// login` run it, one code path for both:
//
//	r := &consent.Runner{Store: store}
//	a, err := r.Start(ctx, name)     // loads the profile, binds the listener
//	defer a.Close()
//	show(a.AuthURL()); open(a.AuthURL())
//	a.Paste(line)                     // whenever the admin pastes (optional)
//	res, err := a.Wait(ctx)           // callback → exchange → sites → check → saved
//	r.ChooseSite(name, cloudID)       // when res.Site is zero (several sites)
//
// Wait saves the tokens as soon as the exchange succeeds, so a failure in
// the checks after it never loses them, and clears TokensStale. It then
// saves the Confluence sites the grant reaches (once each) and the default
// site: the previous choice when still there, else the only site. One site
// is checked with a cheap Confluence read, and /me names the account when
// read:me was granted. a.Hint(ctx) blocks until the wait looks stuck and
// returns the usual causes, for the caller to show. A paste that is an
// Atlassian error page (its address or its words), and an error the
// browser comes back with, become a *DiagnosedError: the cause and its fix.
//
// Conversation holds the same consent on plain lines. It never waits for
// ever on its input: the default-site question is skipped where the input
// is a file but not a terminal, and bounded by Timeout elsewhere. Lines
// pasted together are one paste, judged once; an address is taken the
// moment its line arrives. Its In may be an *Input shared with the prompts
// before and after it, so that input typed ahead is never lost.
//
// Runner.TokenSource hands out the saved profile's access token, refreshed
// and saved under the store's lock when needed (`authwiz token`).
package consent
