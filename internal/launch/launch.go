// Package launch is what the command line hands the wizard: where it
// starts, the store and adapters it works with, and whether it rehearses.
// Both internal/cli (which fills a Request) and tui (which runs it)
// import it, so the wizard links neither cobra nor the OS keyring nor the
// rehearsal server, and internal/ still never imports tui/.
package launch

import (
	"context"
	"errors"
	"io"

	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/setup"
)

// Streams are the standard streams, replaceable in tests.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Mode says where the wizard starts.
type Mode int

const (
	// Start opens the start screen: new authentication or a saved profile.
	Start Mode = iota
	// New goes straight to a new profile.
	New
	// Edit opens a saved profile, prefilled.
	Edit
)

// Opener opens a web page in the user's browser.
type Opener interface {
	Open(url string) error
}

// Request is everything the wizard needs, with the real adapters wired.
type Request struct {
	Mode        Mode
	ProfileName string // the profile to edit
	Store       *profile.Store
	Streams     Streams
	Clipboard   clipboard.Writer
	Browser     Opener
	Consent     consent.Starter
	// Accessible runs the wizard as plain line prompts.
	Accessible bool
	// Rehearsal is set when the wizard runs against the rehearsal server
	// (`authwiz demo`); Store then holds rehearsal profiles.
	Rehearsal *Rehearsal
	// Imported, with Mode New, prefills the new profile with an app's
	// settings read from a file (`authwiz new --from FILE`): the app exists
	// already, so the wizard can skip the Developer Console steps.
	Imported *setup.Input
	// Shared tells whether the profile called name has its grant in a
	// shared store (`authwiz share`), which the wizard must not change:
	// its rename would leave the shared record behind and its consent
	// would make a grant no other host uses. Nil in rehearsals, whose
	// profiles are never shared.
	Shared func(name string) (SharedGrant, bool, error)
}

// SharedGrant is where a shared profile's grant lives, as the start screen
// says it.
type SharedGrant struct {
	// Store is the store's address, never with a password.
	Store string
	// Instead is what to do rather than edit the profile or consent again
	// in the wizard, in the words `authwiz edit` refuses with.
	Instead string
}

// Rehearsal is what the wizard needs to walk the guide against the
// rehearsal server instead of Atlassian.
type Rehearsal struct {
	AuthURL, TokenURL, APIBaseURL string
	// ClientID and ClientSecret are the rehearsal app's: the admin types
	// them at step 9 as they would their own app's.
	ClientID, ClientSecret string
	// RegisterCallback does what saving the Callback URL in the Developer
	// Console does at step 7.
	RegisterCallback func(redirectURL string) error
	// TunnelCommand is the ssh command that lets a browser on the admin's
	// own computer reach the rehearsal; empty when not over SSH.
	TunnelCommand func(redirectURL string) string
	// BackToStart: the admin chose the rehearsal on the real start screen,
	// which the command line opens again once the rehearsal ends; the
	// rehearsal's quit key says so.
	BackToStart bool
}

// Wizard runs the wizard for a request; tui.Run is the real one.
type Wizard func(ctx context.Context, req Request) error

// ErrRehearse is what the wizard returns when the admin chose, on the
// start screen, to rehearse first: the command line then runs `authwiz demo`.
var ErrRehearse = errors.New("rehearse first")
