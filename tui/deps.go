package tui

import (
	"context"
	"time"

	"github.com/authwiz/authwiz/internal/clipboard"
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
// finds a free one when it cannot.
type portChecker interface {
	Check(redirectURL string) error
	FreePort(redirectURL string) (int, error)
}

// consentRunner runs the Atlassian consent for a saved profile.
type consentRunner interface {
	Start(ctx context.Context, profileName string) (consentAttempt, error)
	ChooseSite(profileName, cloudID string) error
}

// consentAttempt is one consent in progress: the browser is sent to
// AuthURL, and Wait returns once the callback (or a pasted URL) arrived and
// the tokens were saved and verified. Hint blocks until the wait looks
// stuck and says the likely cause; Listening is false when the Redirect
// URL is not on this computer, so only a pasted URL can finish.
type consentAttempt interface {
	AuthURL() string
	Deadline() time.Time
	Listening() bool
	Paste(input string) error
	Wait(ctx context.Context) (consentResult, error)
	Hint(ctx context.Context) (string, bool)
	Close() error
}

// consentResult is what a finished consent reached.
type consentResult struct {
	Sites           []profile.Site
	Site            profile.Site // chosen default; zero when the admin must pick
	User            string
	Granted         []string
	Missing         []string
	HasRefreshToken bool
	// Verified says what the check call after the consent saw.
	Verified string
}

// deps bundles the side effects a wizard needs.
type deps struct {
	profiles  profileStore
	drafts    draftStore
	consent   consentRunner
	clipboard clipboard.Writer
	browser   urlOpener
	ports     portChecker
	now       func() time.Time
	// rehearsal is set in `authwiz demo`; offerRehearsal puts the way into
	// it on the real start screen.
	rehearsal      *rehearsal
	offerRehearsal bool
}
