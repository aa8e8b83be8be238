package grantstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/authwiz/authwiz/internal/profile"
)

// ErrNothingToRecover: this host's journal holds no answer for the grant.
var ErrNothingToRecover = errors.New("this host's journal holds no refresh answer for the grant")

// ErrAnswerOutdated: the answer this host's journal held does not follow
// the grant's refresh token now, so Recover dropped it: as with
// ErrNothingToRecover, there is nothing to recover on this host.
var ErrAnswerOutdated = errors.New("this host's answer does not follow the grant's refresh token now")

// Recover saves to the store the refresh answer this host's journal kept
// when its refresher stopped between the refresh and the commit: the one
// way back for a grant marked uncertain without a new consent. It claims
// the grant first, so it never races a refresh, and saves the answer only
// onto the generation, and the refresh token, it was the answer to.
func (s *Source) Recover(ctx context.Context) (Token, error) {
	e, ok, err := s.Journal.Get(s.key())
	if err != nil {
		return Token{}, err
	}
	if !ok {
		return Token{}, fmt.Errorf("%w %q: run `%s` on the host that refreshed it last (`%s` names it), or consent again with `%s`",
			ErrNothingToRecover, s.Name, profile.Command("recover", s.Name), profile.Command("status", s.Name), ReshareCommand(s.Name))
	}
	c, err := s.Store.Claim(ctx, s.key(), s.Host, s.claimFor())
	if err != nil {
		return Token{}, fmt.Errorf("recover shared profile %q: %w; try again when the claim has ended", s.Name, err)
	}
	answer, ok, err := s.journaled(c)
	if err != nil {
		return Token{}, errors.Join(fmt.Errorf("recover shared profile %q: %w", s.Name, err), s.release(ctx, c, NotSpent))
	}
	if !ok {
		err := s.release(ctx, c, NotSpent)
		if err == nil {
			err = s.Journal.Drop(s.key())
		}
		return Token{}, errors.Join(err, fmt.Errorf("recover shared profile %q: %w (the answer was to generation %d): "+
			"the store has moved on to another refresh since, or holds another grant of that name; nothing to recover here", s.Name, ErrAnswerOutdated, e.Generation))
	}
	tok, saved, err := s.commit(ctx, c, answer)
	switch {
	case err != nil:
		return Token{}, fmt.Errorf("recover shared profile %q: %w", s.Name, err)
	case !saved:
		return Token{}, fmt.Errorf("recover shared profile %q: another host took the claim over meanwhile; run `%s` again", s.Name, profile.Command("status", s.Name))
	}
	return tok, nil
}
