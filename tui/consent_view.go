package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/validate"
)

// guide says what happened so far, as it happened: whether a browser
// showed the consent page, and where Atlassian's answer can arrive.
func (cv *consentView) guide(c *stepContext) string {
	switch {
	case cv.result != nil:
		return "The consent worked: authwiz saved the tokens and checked them against " + c.target.pick("Atlassian.", "the rehearsal server.")
	case cv.err != nil:
		return "The consent did not finish. The profile itself is saved; fix what the message says and try again."
	case cv.attempt == nil:
		return "Getting the consent ready: authwiz starts listening for Atlassian's answer first."
	}
	var opened string
	switch {
	case cv.browser == nil:
		opened = "Opening Atlassian's consent page in your browser…"
	case *cv.browser == nil:
		opened = c.target.pick("Atlassian's", "The rehearsal server's") + " consent page is open in your browser."
	default:
		opened = "No browser was opened: " + browserTrouble(*cv.browser) +
			". Open the link below in a browser yourself, on any computer."
	}
	out := opened + " Log in as the app's owner (the app is private to that account), choose your site, " +
		"review the permissions and click Accept."
	if !cv.attempt.Listening() {
		out += " The answer cannot reach this computer: paste the address the browser ends on below."
	}
	return out
}

func (cv *consentView) view(c *stepContext) string {
	st := c.styles
	width := c.width
	switch {
	case cv.result != nil:
		return cv.resultView(c)
	case cv.err != nil:
		msg := validate.Sanitize(cv.err.Error())
		if errors.Is(cv.err, errCancelled) {
			return st.Warning.Render(wrap("Cancelled: "+msg+".", width)) + "\n\n" +
				st.Subtle.Render(wrap("Press enter to authenticate again, esc to go back and change something, "+
					"or q to finish and authenticate later with "+c.command("login")+".", width))
		}
		return st.Error.Render(wrap("✗ "+msg, width)) + "\n\n" +
			st.Subtle.Render(wrap("Press enter to try again, esc to go back and change a setting, or q to "+
				"finish: later, "+c.command("login")+" runs the consent alone.", width))
	case cv.attempt == nil:
		return cv.spinner.View() + "Preparing the consent…"
	}
	// What needs the admin now comes first (the paste field, then a stuck
	// wait's hint); the long link last, where scrolling reaches it.
	url := cv.attempt.AuthURL()
	left := max(cv.attempt.Deadline().Sub(cv.now), 0).Round(time.Second)
	out := cv.spinner.View() + "Waiting for " + c.target.pick("Atlassian's", "the rehearsal server's") + " answer… " +
		st.Subtle.Render(fmt.Sprintf("%d:%02d left", int(left.Minutes()), int(left.Seconds())%60))
	if cv.pasting {
		out += "\n\n" + labelled(st, "Paste the URL your browser ended on (or just the code)", cv.paste, width)
	}
	if cv.pasteErr != "" {
		out += "\n" + st.Error.Render(wrap("✗ "+cv.pasteErr, width))
	}
	if cv.hint != "" {
		out += "\n\n" + st.Warning.Render(wrap(cv.hint, width))
	}
	out += "\n\n" + st.Label.Render("Authorization URL") + "\n" + st.link(url, width)
	if tunnel := c.target.tunnelCommand(c.draft.Profile.RedirectURL); tunnel != "" {
		out += "\n\n" + st.Subtle.Render(wrap("Over SSH, the rehearsal lives on this machine: to consent in the "+
			"browser on your own computer, first run there", width)) + "\n" + copyable(st.Value, tunnel, width)
	}
	return out
}

func (cv *consentView) resultView(c *stepContext) string {
	st := c.styles
	width := c.width
	res := cv.result
	var b strings.Builder
	site := cv.sites.chosen()
	who := validate.Sanitize(res.User)
	if who == "" {
		who = "your Atlassian account"
	}
	if site.Name != "" {
		b.WriteString(st.Success.Render(wrap(fmt.Sprintf("✓ Connected as %s to %s (%s)", who,
			validate.Sanitize(site.Name), validate.Sanitize(site.URL)), width)) + "\n")
	} else {
		b.WriteString(st.Success.Render(wrap("✓ Connected as "+who+".", width)) + "\n")
	}
	if res.Verified != "" {
		b.WriteString(st.Subtle.Render(wrap("Checked: "+validate.Sanitize(res.Verified)+".", width)) + "\n")
	}
	if len(res.Sites) > 1 {
		b.WriteString("\n" + cv.sites.view(c) + "\n")
	}
	b.WriteString(fmt.Sprintf("\nScopes: %d of %d requested were granted.", len(res.Granted), len(res.Granted)+len(res.Missing)))
	if len(res.Missing) > 0 {
		b.WriteString("\n" + st.Warning.Render(wrap("Not granted: "+strings.Join(res.Missing, ", ")+
			". Add them to the app in the console (Permissions), then authenticate again.", width)))
	}
	if !res.HasRefreshToken {
		b.WriteString("\n" + st.Warning.Render(wrap("No refresh token came back (offline_access was not "+
			"requested): the access token expires within the hour and cannot be renewed without consenting again.", width)))
	}
	b.WriteString("\n\n" + nextCommands(c, true, func(cmd string) string { return copyable(st.Value, cmd, width) }))
	return b.String()
}

// copyables are the link while waiting (and the tunnel command of a
// rehearsal), and the commands to use the profile once it worked.
func (cv *consentView) copyables(c *stepContext) []string {
	switch {
	case cv.result != nil:
		token, status := usageCommands(c)
		return []string{token, status}
	case cv.waiting():
		out := []string{cv.attempt.AuthURL()}
		if tunnel := c.target.tunnelCommand(c.draft.Profile.RedirectURL); tunnel != "" {
			out = append(out, tunnel)
		}
		return out
	}
	return nil
}

// browserTrouble says why no browser opened, each thing tried in turn, on
// one line: the step's own text already says what to do instead.
func browserTrouble(err error) string {
	causes := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		causes = joined.Unwrap()
	}
	var parts []string
	for _, cause := range causes {
		text := cause.Error()
		if nb := (*browser.NoBrowserError)(nil); errors.As(cause, &nb) {
			text = "no browser can be opened here (" + nb.Reason + ")"
		}
		parts = append(parts, strings.TrimSuffix(validate.Sanitize(strings.ReplaceAll(text, "\n", " ")), "."))
	}
	return strings.Join(parts, "; ")
}
