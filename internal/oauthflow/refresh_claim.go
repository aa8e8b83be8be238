package oauthflow

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/profile"
)

// refresh runs the protocol under the profile's claim.
func (s *StoredTokenSource) refresh(ctx context.Context, claim profile.GrantClaim) (*oauth2.Token, error) {
	g := claim.Grant()
	if g.Pending != nil && g.Pending.Answer != nil {
		// An earlier refresh got its answer but could not save it.
		saved, err := claim.Commit(profile.Outcome{Refreshed: g.Pending.Answer})
		if err != nil {
			return nil, s.notSaved(err)
		}
		g = saved
	}
	// A lost refresh is retried at once, even while the old access token
	// lasts: the reuse interval runs from the lost attempt.
	if g.Pending == nil {
		if tok := s.usable(g.Secrets); tok != nil {
			return tok, nil
		}
		if err := s.remembered(g); err != nil {
			return nil, err
		}
	}
	if g.Secrets.RefreshToken == "" {
		return nil, s.noRefreshToken(g.Secrets)
	}
	if p := g.Pending; p != nil && !s.now().Before(p.Since.Add(retryWindow)) {
		if _, err := claim.Commit(profile.Outcome{Failure: profile.RefreshInterrupted, FailedAt: p.Since}); err != nil {
			return nil, err
		}
		return nil, s.interrupted(p.Since)
	}

	if err := claim.Begin(s.now()); err != nil {
		return nil, s.cannotSave(err)
	}
	release := s.hold()
	tok, err := s.spend(ctx, claim, g)
	if sig := release(); sig != nil && err == nil {
		return nil, fmt.Errorf("stopped as asked (%s), after saving the refreshed tokens", sig)
	}
	return tok, err
}

// spend sends the refresh and records its outcome: the critical section,
// during which signals are held.
func (s *StoredTokenSource) spend(ctx context.Context, claim profile.GrantClaim, g profile.Grant) (*oauth2.Token, error) {
	answer, style, err := s.send(ctx, g)
	if err != nil {
		return nil, s.refreshFailed(claim, g, err)
	}
	saved, err := claim.Commit(profile.Outcome{Refreshed: answer})
	if err != nil {
		return nil, s.notSaved(err)
	}
	s.rememberStyle(style)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped as asked, after saving the refreshed tokens: %w", err)
	}
	return savedToken(saved.Secrets), nil
}

// refreshFailed records what a failed refresh means for the grant and
// explains it. An answer from the server that is not a token rotated
// nothing, so the journal entry goes; a request that may have reached the
// server unanswered leaves it, for the next call to retry.
func (s *StoredTokenSource) refreshFailed(claim profile.GrantClaim, g profile.Grant, err error) error {
	var re *oauth2.RetrieveError
	answered := errors.As(err, &re)
	switch {
	case answered && re.ErrorCode == "invalid_grant" && g.Pending != nil:
		// A retry of a lost refresh was refused: the lost answer rotated
		// the token for good.
		if _, cerr := claim.Commit(profile.Outcome{Failure: profile.RefreshInterrupted, FailedAt: g.Pending.Since}); cerr != nil {
			return cerr
		}
		return s.interrupted(g.Pending.Since)
	case answered && re.ErrorCode == "invalid_grant":
		if _, cerr := claim.Commit(profile.Outcome{Failure: profile.RefreshRejected, FailedAt: s.now()}); cerr != nil {
			return cerr
		}
		return s.rejected(g, err)
	case (answered || httpclient.NotSent(err)) && g.Pending == nil:
		if _, cerr := claim.Commit(profile.Outcome{}); cerr != nil {
			return cerr
		}
	case !answered && !httpclient.NotSent(err):
		return s.noAnswer(g, err)
	}
	return tokenError(err, ErrRefreshRejected, "", s.now())
}

// claimError explains why the profile could not be claimed.
func (s *StoredTokenSource) claimError(err error) error {
	var cannot *profile.CannotSaveError
	if errors.As(err, &cannot) {
		return s.cannotSave(err)
	}
	return err
}
