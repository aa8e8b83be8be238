package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/validate"
)

// startStep is step 1: a new authentication, a draft to resume, or a saved
// profile to edit, consent again for, or delete. The profile list comes
// from startData, read once in the background; it carries each profile's
// token state, so no secret is read to show it.
type startStep struct {
	stepBase
	cursor, offset int
	confirmDelete  string
	err            string
	// pendingNew is "New authentication" chosen before the saved profiles
	// were read (a script can be that quick).
	pendingNew bool
}

var (
	startChoose = binding("enter", "open", "enter", "tab")
	startEdit   = binding("e", "edit")
	// startExplain is enter on a profile the wizard does not open.
	startExplain = binding("enter", "what to do instead", "enter")
	startReauth  = binding("a", "authenticate again")
	startDelete  = binding("d", "delete")
	startDiscard = binding("x", "discard draft")
	startMove    = binding("↑/↓", "move", "up", "down", "k", "j", "pgup", "pgdown", "home", "end")
	startConfirm = binding("y", "yes, delete")
	startDecline = binding("n", "keep it", "n", "esc")
	startQuitKey = binding("q", "quit")
	// startBackKey is q in a rehearsal chosen on the real start screen.
	startBackKey = binding("q", "back to your real profiles")
)

func (s *startStep) guide(c *stepContext) string {
	return c.target.pick(
		"authwiz sets up an Atlassian OAuth 2.0 (3LO) authentication for Confluence in the "+
			"same twelve steps as the Integration Builder guide. Start a new one, or choose a saved "+
			"profile to change it, authenticate it again, or delete it.",
		"This is a rehearsal: the same twelve steps against a stand-in for Atlassian running on "+
			"this computer, with a consent page of its own. Nothing here touches Atlassian or your real "+
			"profiles; the profiles below are rehearsal profiles."+backToStartNote(c))
}

// backToStartNote tells a rehearsal chosen on the real start screen how to
// get back there.
func backToStartNote(c *stepContext) string {
	if quitKeyOf(c).Help().Desc == startBackKey.Help().Desc {
		return c.onScreen(" q takes you back to your real profiles.")
	}
	return ""
}

func (s *startStep) enter(c *stepContext) tea.Cmd {
	if s.pendingNew && c.saved.loaded {
		s.pendingNew = false
		return s.choose(c)
	}
	s.cursor = min(s.cursor, s.rows(c)-1)
	return nil
}

func (s *startStep) update(c *stepContext, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case profileDeletedMsg:
		return s.deleted(c, msg), true
	case draftDiscardedMsg:
		if msg.err != nil {
			s.err = fmt.Sprintf("Could not discard the draft: %v", msg.err)
			return nil, true
		}
		c.fx.forgetDraft()
		s.cursor = max(s.cursor-1, 0)
		return nil, true
	case tea.KeyPressMsg:
		cmd, handled := s.key(c, msg)
		s.follow(c)
		return cmd, handled
	}
	return nil, false
}

func (s *startStep) key(c *stepContext, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if s.confirmDelete != "" {
		name := s.confirmDelete
		switch {
		case key.Matches(msg, startConfirm):
			s.confirmDelete = ""
			store := c.deps.profiles
			return func() tea.Msg { return profileDeletedMsg{name: name, err: store.Delete(name)} }, true
		case key.Matches(msg, startDecline):
			s.confirmDelete = ""
		}
		return nil, true
	}
	s.err = ""
	p, onProfile := s.profileAt(c, s.cursor)
	switch {
	case key.Matches(msg, startMove):
		s.move(c, msg)
		return nil, true
	case onProfile && s.refuses(c, p.Name, msg):
		return nil, true
	case key.Matches(msg, startChoose), key.Matches(msg, startEdit) && onProfile:
		return s.choose(c), true
	case key.Matches(msg, startReauth) && onProfile && c.canConsent():
		return openProfile(c, p.Name, openReauth), true
	case key.Matches(msg, startDelete) && onProfile:
		s.confirmDelete = p.Name
		return nil, true
	case key.Matches(msg, startDiscard) && c.saved.resumable != nil:
		store := c.deps.drafts
		return func() tea.Msg { return draftDiscardedMsg{err: store.DeleteDraft()} }, true
	case key.Matches(msg, startQuitKey):
		return c.fx.requestQuit(), true
	}
	return nil, false
}

// refuses keeps the wizard off a shared profile: its rename would leave
// the shared record behind, its consent would make a grant no other host
// uses, and deleting only the profile here would leave this host's
// records of the grant. The key that would open or delete it says what
// to do instead.
func (s *startStep) refuses(c *stepContext, name string, msg tea.KeyPressMsg) bool {
	deletes := key.Matches(msg, startDelete)
	if !deletes && !key.Matches(msg, startChoose, startEdit) && !(key.Matches(msg, startReauth) && c.canConsent()) {
		return false
	}
	s.err = c.saved.notHere(name, deletes)
	return s.err != ""
}

// notHere is why the profile called name is not opened (or, deleting,
// not deleted) in the wizard, and what to do instead; "" when it may be.
func (sd *startData) notHere(name string, deleting bool) string {
	g, shared := sd.shared[name]
	switch {
	case sd.sharedErr != nil:
		return validate.Sanitize(fmt.Sprintf("%q is not opened here: whether it is shared cannot be told (%v).", name, sd.sharedErr))
	case !shared:
		return ""
	case deleting:
		return validate.Sanitize(fmt.Sprintf("The grant of %q lives in the shared store %s: delete it with `%s`, "+
			"which removes this host's records of the shared grant too and leaves the grant to the other hosts.", name, g.Store, profile.Command("delete", name)))
	}
	return validate.Sanitize(fmt.Sprintf("The grant of %q lives in the shared store %s, which the wizard does not change: %s.", name, g.Store, g.Instead))
}

// resumableHere is whether the saved draft d may be resumed here: not the
// draft of an edit of a profile shared since.
func (sd *startData) resumableHere(d profile.Draft) bool {
	return d.EditOf == "" || sd.notHere(d.EditOf, false) == ""
}

// choose acts on the row under the cursor.
func (s *startStep) choose(c *stepContext) tea.Cmd {
	switch p, onProfile := s.profileAt(c, s.cursor); {
	case s.isResumeRow(c, s.cursor):
		d := *c.saved.resumable
		if !c.saved.resumableHere(d) {
			s.err = c.saved.notHere(d.EditOf, false)
			return nil
		}
		return resumeDraft(c, d)
	case onProfile:
		return openProfile(c, p.Name, openEdit)
	case s.isRehearsalRow(c, s.cursor):
		return c.fx.rehearse()
	case !c.saved.loaded:
		// The new profile's name must be unique among profiles not read
		// yet: it starts as soon as they are.
		s.pendingNew = true
		return nil
	default:
		d := newDraft(profile.Names(c.saved.profiles), c.target.endpoints)
		return c.fx.begin(d, firstProfileStep, beginning{})
	}
}

func (s *startStep) validate(*stepContext) verdict { return verdict{} }

// lines: the start screen is the choice made on the command line.
func (s *startStep) lines(*stepContext, *prompter) error { return nil }

func (s *startStep) keys(c *stepContext) []key.Binding {
	if s.confirmDelete != "" {
		return []key.Binding{startConfirm, startDecline}
	}
	p, onProfile := s.profileAt(c, s.cursor)
	if onProfile && c.saved.notHere(p.Name, false) != "" {
		// Opening, authenticating and deleting all say what to do instead.
		keys := []key.Binding{startMove, startExplain}
		if c.saved.resumable != nil {
			keys = append(keys, startDiscard)
		}
		return append(keys, quitKeyOf(c))
	}
	keys := []key.Binding{startMove, startChoose}
	if onProfile {
		if c.canConsent() {
			keys = append(keys, startReauth)
		}
		keys = append(keys, startDelete)
	}
	if c.saved.resumable != nil {
		keys = append(keys, startDiscard)
	}
	return append(keys, quitKeyOf(c))
}

// quitKeyOf is q as it works here: in a rehearsal started from the real
// start screen, leaving goes back there.
func quitKeyOf(c *stepContext) key.Binding {
	if r := c.target.rehearsal; r != nil && r.BackToStart {
		return startBackKey
	}
	return startQuitKey
}

func (s *startStep) deleted(c *stepContext, msg profileDeletedMsg) tea.Cmd {
	if msg.err != nil {
		s.err = fmt.Sprintf("Could not delete %q: %v", msg.name, msg.err)
		return nil
	}
	c.fx.forgetProfile(msg.name)
	s.cursor = max(0, min(s.cursor, s.rows(c)-1))
	return nil
}

type (
	profileDeletedMsg struct {
		name string
		err  error
	}
	draftDiscardedMsg struct{ err error }
)

func (s *startStep) modal() bool { return s.confirmDelete != "" }
