package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
)

// ErrNotPermitted: this host's database role lacks a privilege the
// change needs; the README's roles give deletes to the tables' owner only.
var ErrNotPermitted = errors.New("this host's database role is not allowed to do that")

// Delete removes the grant from the store, for every host. A grant under
// a live claim is left alone: its holder may be spending the refresh
// token, and the answer would have nowhere to go.
func (s *Store) Delete(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM authwiz_grants WHERE name = $1 AND (claim_until IS NULL OR claim_until <= now())`, name)
	if err != nil {
		return s.fail(fmt.Sprintf("delete grant %q", name), err)
	}
	if tag.RowsAffected() == 0 {
		return s.notClaimed(ctx, name)
	}
	return nil
}

// MoveAway ends the grant's life in the store under c, once its holder
// has the tokens safe elsewhere: the grant is marked moved, for every
// host to see and stop using, and its tokens are removed from the store.
// Like a commit, it happens only while c still holds the grant.
func (s *Store) MoveAway(ctx context.Context, c grantstore.Claim) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE authwiz_grants SET
			generation = generation + 1,
			access_token = NULL, access_expiry = now(), refresh_token = NULL,
			state = 'moved', state_since = now(),
			claim_holder = NULL, claim_since = NULL, claim_until = NULL,
			attempt_since = NULL, attempt_fence = NULL, attempt_end = NULL,
			updated_at = now()
		WHERE name = $1 AND generation = $2 AND fence = $3 AND claim_holder IS NOT NULL`,
		c.Name, c.Generation, c.Fence)
	if err != nil {
		return s.fail(fmt.Sprintf("mark grant %q moved", c.Name), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("grant %q generation %d, claim %d: %w", c.Name, c.Generation, c.Fence, grantstore.ErrFenced)
	}
	return nil
}

// Reconsented records that the grant's generation holds the tokens of a
// consent given at consentedAt (Atlassian ends a grant 365 days after
// it), after a commit put them in. The time is sent as an age, so this
// host's clock decides nothing.
func (s *Store) Reconsented(ctx context.Context, name string, generation int64, consentedAt time.Time) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE authwiz_grants SET consented_at = now() - make_interval(secs => $3)
		WHERE name = $1 AND generation = $2`,
		name, generation, time.Since(consentedAt).Seconds())
	if err != nil {
		return s.fail(fmt.Sprintf("record the new consent of grant %q", name), err)
	}
	return nil
}
