package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
)

// saveStep is step 12: the summary, then save, then the consent. The
// profile is saved before consenting, as the guide does, so a failed or
// cancelled consent never loses what was typed.
type saveStep struct {
	phase    savePhase
	problems []string // other steps' errors, found on trying to save
	saveErr  string
	consent  consentView
}

type savePhase int

const (
	phaseSummary savePhase = iota
	phaseSaving
	phaseSaved
	phaseConsent
)

var (
	saveKey         = binding("enter", "save")
	authenticateKey = binding("enter", "authenticate")
	finishKey       = binding("q", "finish")
)

func (s *saveStep) title() string { return "Save & authenticate" }

func (s *saveStep) guide(w *wizard) string {
	if s.phase == phaseConsent {
		return s.consent.guide(w)
	}
	return "Check the summary and save. Authenticating then opens Atlassian's consent page in " +
		"your browser: review the permissions and click Allow."
}

func (s *saveStep) enter(w *wizard) tea.Cmd {
	s.problems, s.saveErr = nil, ""
	s.phase = phaseSummary
	if w.autoConsent {
		w.autoConsent = false
		s.phase = phaseConsent
		return s.consent.start(w)
	}
	return nil
}

func (s *saveStep) leave(w *wizard) { s.consent.stop() }

func (s *saveStep) update(w *wizard, msg tea.Msg) (tea.Cmd, bool) {
	if m, ok := msg.(savedMsg); ok {
		if m.err != nil {
			s.phase, s.saveErr = phaseSummary, m.err.Error()
			return nil, true
		}
		s.phase = phaseSaved
		return w.saved(m.profile), true
	}
	if s.phase == phaseConsent {
		return s.consent.update(w, msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch {
	case s.phase == phaseSummary && key.Matches(k, saveKey):
		s.saveErr = ""
		if s.problems = w.checkAll(); len(s.problems) > 0 {
			return nil, true
		}
		s.phase = phaseSaving
		return saveCmd(w.deps.profiles, *w.draft), true
	case s.phase == phaseSaved && w.canConsent() && key.Matches(k, authenticateKey):
		s.phase = phaseConsent
		return s.consent.start(w), true
	case s.phase == phaseSaved && key.Matches(k, finishKey):
		w.outcome = fmt.Sprintf("Saved %q.", w.draft.Profile.Name)
		if w.canConsent() {
			w.outcome = w.nextCommands(false)
		}
		return w.finish(), true
	}
	return nil, s.phase == phaseSaving
}

// validate: step 12 has no field of its own; saving checks all the others.
func (s *saveStep) validate(*wizard) verdict { return verdict{} }

func (s *saveStep) keys(w *wizard) []key.Binding {
	switch s.phase {
	case phaseSummary:
		return []key.Binding{saveKey}
	case phaseSaved:
		if !w.canConsent() {
			return []key.Binding{finishKey}
		}
		return []key.Binding{authenticateKey, finishKey}
	case phaseConsent:
		return s.consent.keys(w)
	}
	return nil
}

func (s *saveStep) view(w *wizard) string {
	if s.phase == phaseConsent {
		return s.consent.view(w)
	}
	st := w.styles
	var out string
	switch {
	case s.saveErr != "":
		out = st.Error.Render(wrap("✗ Not saved: "+s.saveErr+". Nothing you typed is lost: fix that and press enter to try again.", w.mainWidth())) + "\n\n"
	case s.phase == phaseSaving:
		out = st.Subtle.Render("Saving…") + "\n\n"
	case s.phase == phaseSaved && !w.canConsent():
		out = st.Success.Render(wrap(fmt.Sprintf("✓ Saved as %q.", w.draft.Profile.Name), w.mainWidth())) + "\n\n"
	case s.phase == phaseSaved:
		out = st.Success.Render(wrap(fmt.Sprintf("✓ Saved as %q. Press enter to authenticate now, "+
			"or q to finish and do it later with authwiz login.", w.draft.Profile.Name), w.mainWidth())) + "\n\n"
	}
	out += s.summary(w)
	if why := w.draft.staleReasons(); len(why) > 0 {
		out += "\n\n" + st.Warning.Render(wrap("Changed since the last consent: "+strings.Join(why, ", ")+
			". The saved tokens were granted for the old values: authenticate again after saving.", w.mainWidth()))
	}
	for _, p := range s.problems {
		out += "\n" + st.Error.Render(wrap("✗ "+p, w.mainWidth()))
	}
	if len(s.problems) > 0 {
		out += "\n" + st.Subtle.Render(wrap("Fix these first: esc goes back, ctrl+g jumps to a step.", w.mainWidth()))
	}
	return out
}

// summary lists every field; the secret only as "set (•••• last 4)".
func (s *saveStep) summary(w *wizard) string {
	st := w.styles
	p := w.draft.Profile
	rows := [][2]string{
		{"Name", p.Name},
		{"App name", p.AppName},
		{"Redirect URL", p.RedirectURL},
		{"Client ID", p.ClientID},
		{"Client secret", masked(w.draft.secret())},
	}
	// Atlassian's own endpoints take one line; anything else is spelled out.
	if atlassianEndpoints.match(p) {
		rows = append(rows, [2]string{"Endpoints", "Atlassian's"})
	} else {
		rows = append(rows, [2]string{"Authorization", p.AuthURL}, [2]string{"Token URL", p.TokenURL}, [2]string{"API base URL", p.APIBaseURL})
	}
	rows = append(rows, [2]string{"Scopes", strings.Join(p.Scopes, " ")})
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		lines = append(lines, st.Label.Render(fmt.Sprintf("%-14s", r[0]))+" "+hang(r[1], w.mainWidth(), 15))
	}
	return strings.Join(lines, "\n")
}

// nextCommands tells how to use the profile from now on.
func (w *wizard) nextCommands(authenticated bool) string {
	name := w.draft.Profile.Name
	if !authenticated {
		return fmt.Sprintf("Saved %q. Authenticate it with:  %s", name, w.command("login"))
	}
	return fmt.Sprintf("A fresh access token, whenever you need one:\n  %s\nIs it still working?\n  %s",
		w.command("token"), w.command("status"))
}

// command is the command line that does verb to the profile being set up;
// a rehearsal profile is named with --rehearsal.
func (w *wizard) command(verb string) string {
	if w.deps.rehearsal != nil {
		verb += " --rehearsal"
	}
	return profile.Command(verb, w.draft.Profile.Name)
}

func (s *saveStep) modal() bool { return s.phase == phaseConsent && s.consent.pasting }
