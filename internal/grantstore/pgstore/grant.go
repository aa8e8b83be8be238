package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// Read is the grant's access token as this host may see it. It reads only
// the consumer columns, so a consumer role may run it.
func (s *Store) Read(ctx context.Context, name string) (grantstore.Snapshot, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+ConsumerColumns+`, now() FROM authwiz_grants WHERE name = $1`, name)
	snap, err := s.scanSnapshot(row)
	if err != nil {
		return grantstore.Snapshot{}, s.fail(fmt.Sprintf("read grant %q", name), err)
	}
	return snap, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanSnapshot reads ConsumerColumns and now(), opening the access token
// when it is sealed to this host.
func (s *Store) scanSnapshot(row scanner, extra ...any) (grantstore.Snapshot, error) {
	var (
		snap                   grantstore.Snapshot
		access                 []byte
		issued, expiry, since  *time.Time
		holder                 *string
		fence                  int64
		claimSince, claimUntil *time.Time
		attempt                *time.Time
		state                  string
	)
	err := row.Scan(append([]any{&snap.Name, &snap.Generation, &access, &snap.TokenType, &issued, &expiry, &state, &since,
		&fence, &holder, &claimSince, &claimUntil, &attempt, &snap.Now}, extra...)...)
	if err != nil {
		return snap, err
	}
	snap.Issued, snap.Expiry, snap.StateSince, snap.AttemptSince = deref(issued), deref(expiry), deref(since), deref(attempt)
	snap.State = grantstore.State(state)
	if holder != nil && claimUntil != nil && claimUntil.After(snap.Now) {
		snap.Holder = &grantstore.Holder{Host: *holder, Fence: fence, Since: deref(claimSince), Until: *claimUntil}
	}
	if len(access) > 0 {
		token, err := s.id.Open(access)
		if err != nil && !errors.Is(err, seal.ErrNotForThisHost) {
			return snap, fmt.Errorf("open the access token: %w", err)
		}
		snap.AccessToken = string(token)
	}
	return snap, nil
}

// Claim takes the grant for holder until ttl has passed by the database's
// clock, in one statement: a live claim is never taken, an expired one
// always can be, and each claim gets the next fence. The claim also marks
// the start of an attempt on this generation unless one is already marked:
// an attempt that ended without spending clears the mark (see Release).
// A claim granted whose grant cannot then be read (its secrets are not
// sealed to this host, say) is ended at once, spending nothing: left to
// run out, it would bar every host for ttl, and its attempt mark would
// read as a refresh that may have spent the token.
func (s *Store) Claim(ctx context.Context, name, holder string, ttl time.Duration) (c grantstore.Claim, err error) {
	var (
		settings, refresh, client []byte
		scopes                    []string
		refreshIssued, consented  *time.Time
		attemptSince              *time.Time
		attemptFence              *int64
		fence                     int64
		until                     time.Time
	)
	row := s.pool.QueryRow(ctx, `
		UPDATE authwiz_grants SET
			fence = fence + 1,
			claim_holder = $2, claim_since = now(), claim_until = now() + make_interval(secs => $3),
			attempt_since = coalesce(attempt_since, now()),
			attempt_fence = coalesce(attempt_fence, fence + 1)
		WHERE name = $1 AND (claim_until IS NULL OR claim_until <= now())
		RETURNING `+ConsumerColumns+`, now(),
			settings, refresh_token, client_secret, granted_scopes, refresh_issued, consented_at, attempt_since, attempt_fence,
			fence, claim_until`,
		name, holder, ttl.Seconds())
	grant, err := s.scanSnapshot(row, &settings, &refresh, &client, &scopes, &refreshIssued, &consented, &attemptSince, &attemptFence, &fence, &until)
	defer func() {
		if err != nil && fence != 0 {
			granted := grantstore.Claim{Name: name, Generation: grant.Generation, Fence: fence}
			c, err = grantstore.Claim{}, errors.Join(err, s.Release(context.WithoutCancel(ctx), granted, grantstore.NotSpent))
		}
	}()
	if errors.Is(err, pgx.ErrNoRows) {
		return c, s.notClaimed(ctx, name)
	}
	if err != nil {
		return c, s.fail(fmt.Sprintf("claim grant %q", name), err)
	}
	c = grantstore.Claim{Name: grant.Name, Generation: grant.Generation, Fence: fence, Now: grant.Now, Until: until, Grant: grant}
	if attemptSince != nil && attemptFence != nil && *attemptFence != c.Fence {
		c.EarlierAttempt = *attemptSince
	}
	if err := json.Unmarshal(settings, &c.Settings); err != nil {
		return c, fmt.Errorf("read the settings of grant %q: %w", name, err)
	}
	c.Secrets = profile.Secrets{
		AccessToken: grant.AccessToken, TokenType: grant.TokenType, Expiry: grant.Expiry, AccessIssuedAt: grant.Issued,
		GrantedScopes: scopes, RefreshIssuedAt: deref(refreshIssued), ConsentedAt: deref(consented),
	}
	if c.Secrets.RefreshToken, err = s.open(refresh, "refresh token"); err != nil {
		return c, err
	}
	if c.Secrets.ClientSecret, err = s.open(client, "client secret"); err != nil {
		return c, err
	}
	return c, nil
}

// notClaimed says why a claim was not granted: the grant is missing, or
// held by a live claim.
func (s *Store) notClaimed(ctx context.Context, name string) error {
	snap, err := s.Read(ctx, name)
	if err != nil {
		return err
	}
	if snap.Holder == nil {
		// Released between the two statements: the caller tries again.
		return &grantstore.ClaimedError{Holder: grantstore.Holder{Host: "another host", Since: snap.Now, Until: snap.Now}}
	}
	return &grantstore.ClaimedError{Holder: *snap.Holder}
}

// Commit saves answer as the next generation if c still holds the grant:
// not released, and not taken over. A claim that ran out with no one
// taking over may still commit: nothing else was spent meanwhile. The
// lifetime of the access token is put on the database's clock.
func (s *Store) Commit(ctx context.Context, c grantstore.Claim, answer profile.Refreshed) (grantstore.Snapshot, error) {
	called := time.Now()
	access, err := s.sealAccess(answer.AccessToken)
	if err != nil {
		return grantstore.Snapshot{}, err
	}
	var refresh []byte
	if answer.RefreshToken != "" {
		if refresh, err = s.sealRefresher(answer.RefreshToken); err != nil {
			return grantstore.Snapshot{}, err
		}
	}
	// Sealing to many hosts takes a while: the time left shrinks by it.
	left := answer.Expiry.Sub(answer.At) - time.Since(called)
	row := s.pool.QueryRow(ctx, `
		UPDATE authwiz_grants SET
			generation = generation + 1,
			access_token = $4, token_type = $5, granted_scopes = $6,
			access_issued = now(), access_expiry = now() + make_interval(secs => $7),
			refresh_token = coalesce($8, refresh_token),
			refresh_issued = CASE WHEN $8::bytea IS NULL THEN refresh_issued ELSE now() END,
			state = 'ok', state_since = NULL,
			claim_holder = NULL, claim_since = NULL, claim_until = NULL,
			attempt_since = NULL, attempt_fence = NULL, attempt_end = NULL,
			updated_at = now()
		WHERE name = $1 AND generation = $2 AND fence = $3 AND claim_holder IS NOT NULL
		RETURNING `+ConsumerColumns+`, now()`,
		c.Name, c.Generation, c.Fence, access, answer.TokenType, nonNil(answer.GrantedScopes),
		left.Seconds(), refresh)
	snap, err := s.scanSnapshot(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return snap, fmt.Errorf("grant %q generation %d, claim %d: %w", c.Name, c.Generation, c.Fence, grantstore.ErrFenced)
	}
	if err != nil {
		return snap, s.fail(fmt.Sprintf("save the refreshed grant %q", c.Name), err)
	}
	return snap, nil
}

// Release ends c without a commit. An attempt that spent nothing clears
// the attempt mark this claim set; one that may have spent keeps it, with
// how it ended, for the next claim to judge by its age.
func (s *Store) Release(ctx context.Context, c grantstore.Claim, end grantstore.End) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE authwiz_grants SET
			claim_holder = NULL, claim_since = NULL, claim_until = NULL,
			attempt_since = CASE WHEN $4 = 'not-spent' AND attempt_fence = $3 THEN NULL ELSE attempt_since END,
			attempt_end = CASE WHEN $4 = 'not-spent' AND attempt_fence = $3 THEN NULL ELSE $4 END,
			attempt_fence = CASE WHEN $4 = 'not-spent' AND attempt_fence = $3 THEN NULL ELSE attempt_fence END,
			state = CASE WHEN $4 IN ('rejected', 'uncertain') THEN $4 ELSE state END,
			state_since = CASE WHEN $4 IN ('rejected', 'uncertain') THEN now() ELSE state_since END,
			updated_at = now()
		WHERE name = $1 AND generation = $2 AND fence = $3`,
		c.Name, c.Generation, c.Fence, string(end))
	if err != nil {
		return s.fail(fmt.Sprintf("release grant %q", c.Name), err)
	}
	return nil
}

func (s *Store) open(envelope []byte, what string) (string, error) {
	if len(envelope) == 0 {
		return "", nil
	}
	secret, err := s.id.Open(envelope)
	if err != nil {
		return "", fmt.Errorf("open the shared %s: %w; the host that saved it must list this host (%s) among the refreshers", what, err, s.id.Recipient())
	}
	return string(secret), nil
}

func (s *Store) sealAccess(token string) ([]byte, error) {
	if token == "" {
		return nil, nil
	}
	return seal.Seal([]byte(token), s.to.readers())
}

func (s *Store) sealRefresher(secret string) ([]byte, error) {
	if secret == "" {
		return nil, nil
	}
	return seal.Seal([]byte(secret), s.to.Refreshers)
}

// fail wraps a database error: one that never reached the server, or lost
// it, is ErrUnreachable; a missing grant is ErrNotFound.
func (s *Store) fail(what string, err error) error {
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%s in %s: %w", what, s.where, grantstore.ErrNotFound)
	case errors.As(err, &pgErr) && pgErr.Code == "42501": // insufficient_privilege
		return fmt.Errorf("%s in %s: %w (%w)", what, s.where, ErrNotPermitted, err)
	case errors.As(err, &pgErr), errors.Is(err, context.Canceled):
		return fmt.Errorf("%s in %s: %w", what, s.where, err)
	}
	return fmt.Errorf("%s: %w (%s: %v)", what, grantstore.ErrUnreachable, s.where, err)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
