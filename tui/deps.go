package tui

import (
	"time"

	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/launch"
	"github.com/authwiz/authwiz/internal/profile"
)

// The wizard reaches the outside world only through these small interfaces,
// so every screen can be driven in tests with fakes.

// profileStore is the part of the profile store the wizard reads and writes.
type profileStore interface {
	List() ([]profile.Profile, error)
	Get(name string) (profile.Profile, profile.Secrets, error)
	Create(p profile.Profile, sec profile.Secrets) error
	Update(name string, fn func(p *profile.Profile, sec *profile.Secrets) error) error
	Delete(name string) error
	// HandEdits are the hand-added keys the next save drops, for the
	// start screen to say.
	HandEdits() []string
}

// draftStore keeps an unfinished wizard run for the next start.
type draftStore interface {
	LoadDraft() (profile.Draft, bool, error)
	SaveDraft(d profile.Draft) error
	DeleteDraft() error
}

// urlOpener opens a web page in the admin's browser.
type urlOpener interface {
	Open(url string) error
}

// portChecker tells whether the Redirect URL's port can be listened on, and
// finds a free one when it cannot (loopback.Ports).
type portChecker interface {
	Check(redirectURL string) error
	FreePort(redirectURL string) (int, error)
}

// deps bundles the side effects a wizard needs.
type deps struct {
	profiles  profileStore
	drafts    draftStore
	consent   consent.Starter // nil: the wizard saves but cannot authenticate
	clipboard clipboard.Writer
	browser   urlOpener
	ports     portChecker
	now       func() time.Time
	target    target
	// shared tells a profile whose grant lives in a shared store, which
	// the wizard does not change (nil: none is).
	shared func(name string) (launch.SharedGrant, bool, error)
	// offerRehearsal puts the way into `authwiz demo` on the real start
	// screen.
	offerRehearsal bool
}
