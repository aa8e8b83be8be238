package tui

import (
	"context"

	"github.com/authwiz/authwiz/internal/consent"
)

// consentAdapter lets the real consent runner stand behind the wizard's
// consentRunner interface.
type consentAdapter struct{ runner *consent.Runner }

func (c consentAdapter) Start(ctx context.Context, name string) (consentAttempt, error) {
	a, err := c.runner.Start(ctx, name)
	if err != nil {
		return nil, err
	}
	return attemptAdapter{a}, nil
}

func (c consentAdapter) ChooseSite(name, cloudID string) error {
	return c.runner.ChooseSite(name, cloudID)
}

// attemptAdapter converts the consent's result into the wizard's.
type attemptAdapter struct{ *consent.Attempt }

func (a attemptAdapter) Wait(ctx context.Context) (consentResult, error) {
	r, err := a.Attempt.Wait(ctx)
	return consentResult{
		Sites: r.Sites, Site: r.Site, User: r.User, Granted: r.Granted, Missing: r.Missing,
		HasRefreshToken: r.HasRefreshToken, Verified: r.Verified,
	}, err
}
