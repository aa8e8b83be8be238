package pgstore

import (
	"context"
	"errors"
	"fmt"
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
