package consent

import (
	"context"
	"time"
)

// Flow is one consent in progress as its callers drive it: *Attempt is
// the real one; tests of the wizard and the conversation use stand-ins.
type Flow interface {
	AuthURL() string
	RedirectURL() string
	Deadline() time.Time
	Listening() bool
	Paste(input string) error
	Wait(ctx context.Context) (Result, error)
	Hint(ctx context.Context) (string, bool)
	Close() error
}

// Starter begins consents for saved profiles and records the default site
// when a grant reaches several. *Runner is one.
type Starter interface {
	Begin(ctx context.Context, profileName string) (Flow, error)
	ChooseSite(profileName, cloudID string) error
}

// Begin is Start for callers that take a Starter.
func (r *Runner) Begin(ctx context.Context, profileName string) (Flow, error) {
	a, err := r.Start(ctx, profileName)
	if err != nil {
		return nil, err // not a nil *Attempt inside a non-nil Flow
	}
	return a, nil
}
