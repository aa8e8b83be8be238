// Package pgstore is the grant store on PostgreSQL, for grants shared by
// many hosts: the database's clock decides, every change is a compare-and-
// swap on the grant's generation and fence, and every secret is an age
// envelope that a dump of the database cannot open.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// ConnectTimeout bounds each connection attempt when the DSN says nothing.
const ConnectTimeout = 5 * time.Second

// Recipients are the hosts secrets are sealed to, from this host's own
// configuration: never from the database, which could be tampered with.
type Recipients struct {
	// Refreshers may spend the refresh token (and read the access token).
	Refreshers []string
	// Consumers may read the access token only.
	Consumers []string
}

func (r Recipients) readers() []string {
	out := slices.Clone(r.Refreshers)
	for _, c := range r.Consumers {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Store is a grant store in one PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	id   seal.Identity
	to   Recipients
	// where names the database for messages, without any password.
	where string
}

var _ grantstore.Store = (*Store)(nil)

// Open connects to the database at dsn. The password must come from
// PGPASSWORD or a PGPASSFILE, never from the DSN a command line shows;
// Open refuses a DSN that holds one. id opens the envelopes sealed to this
// host; to is who the secrets this host writes are sealed to.
func Open(ctx context.Context, dsn string, id seal.Identity, to Recipients, opts ...Option) (*Store, error) {
	where, err := Describe(dsn)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("read the shared store's address %s: %w", where, err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	}
	cfg.MaxConns = 4
	for _, o := range opts {
		o(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open the shared store %s: %w", where, err)
	}
	return &Store{pool: pool, id: id, to: to, where: where}, nil
}

// Option changes how Open connects.
type Option func(*pgxpool.Config)

// WithPassword is the database password, as a person typed it at a
// prompt: never from the DSN or a flag.
func WithPassword(password string) Option {
	return func(cfg *pgxpool.Config) { cfg.ConnConfig.Password = password }
}

// NeedsPassword reports whether neither PGPASSWORD nor a PGPASSFILE
// (~/.pgpass) gives a password for dsn, so one may have to be asked for.
func NeedsPassword(dsn string) bool {
	cfg, err := pgxpool.ParseConfig(dsn)
	return err == nil && cfg.ConnConfig.Password == ""
}

// Describe is the DSN as messages show it; a DSN that holds a password is
// refused, since it ends up in shell histories and process lists.
func Describe(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("the shared store's address must be a postgres://user@host/database URL")
	}
	if _, has := u.User.Password(); has {
		return "", errors.New("the shared store's address holds a password: remove it and set PGPASSWORD, or put it in a PGPASSFILE (~/.pgpass), so it never shows on a command line")
	}
	return u.Redacted(), nil
}

// Close closes the connections.
func (s *Store) Close() { s.pool.Close() }

// Where names the database for messages.
func (s *Store) Where() string { return s.where }

// Migrate creates or upgrades the schema; it needs the table owner's role.
func (s *Store) Migrate(ctx context.Context) error {
	var newer error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One migration at a time, however many hosts start together.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7310301)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, schema); err != nil {
			return err
		}
		var version int
		err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM authwiz_schema`).Scan(&version)
		if err != nil {
			return err
		}
		switch {
		case version > schemaVersion:
			newer = fmt.Errorf("the shared store's schema is version %d, newer than this authwiz knows (%d): upgrade authwiz", version, schemaVersion)
			return newer
		case version < schemaVersion:
			if _, err = tx.Exec(ctx, `DELETE FROM authwiz_schema`); err == nil {
				_, err = tx.Exec(ctx, `INSERT INTO authwiz_schema VALUES ($1)`, schemaVersion)
			}
		}
		return err
	})
	if newer != nil {
		return newer
	}
	if err != nil {
		return s.fail("set up the shared store", err)
	}
	return nil
}

// ErrExists: the store already holds a grant by that name.
var ErrExists = errors.New("the shared store already holds a grant by that name")

// Share puts a profile's grant into the store as generation 1, or as the
// next generation of a grant of that name that was moved away.
func (s *Store) Share(ctx context.Context, p profile.Profile, sec profile.Secrets) error {
	settings := p
	settings.Tokens = profile.Tokens{}
	js, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	access, err := s.sealAccess(sec.AccessToken)
	if err != nil {
		return err
	}
	refresh, err := s.sealRefresher(sec.RefreshToken)
	if err != nil {
		return err
	}
	client, err := s.sealRefresher(sec.ClientSecret)
	if err != nil {
		return err
	}
	// Times are sent as ages, so this host's clock, whatever its skew,
	// decides nothing: the database puts them on its own.
	now := time.Now()
	var issuedAgo *float64
	if !sec.AccessIssuedAt.IsZero() {
		ago := now.Sub(sec.AccessIssuedAt).Seconds()
		issuedAgo = &ago
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO authwiz_grants (name, settings, access_token, token_type, granted_scopes,
			access_issued, access_expiry, refresh_token, client_secret, refresh_issued, consented_at)
		VALUES ($1, $2, $3, $4, $5, now() - make_interval(secs => $6), now() + make_interval(secs => $7),
			$8, $9, $10, $11)
		ON CONFLICT (name) DO UPDATE SET
			settings = EXCLUDED.settings, generation = authwiz_grants.generation + 1,
			access_token = EXCLUDED.access_token, token_type = EXCLUDED.token_type,
			access_issued = EXCLUDED.access_issued, access_expiry = EXCLUDED.access_expiry,
			granted_scopes = EXCLUDED.granted_scopes, refresh_token = EXCLUDED.refresh_token,
			client_secret = EXCLUDED.client_secret, refresh_issued = EXCLUDED.refresh_issued,
			consented_at = EXCLUDED.consented_at, state = 'ok', state_since = NULL,
			claim_holder = NULL, claim_since = NULL, claim_until = NULL,
			attempt_since = NULL, attempt_fence = NULL, attempt_end = NULL, updated_at = now()
		WHERE authwiz_grants.state = 'moved'`,
		p.Name, js, access, sec.TokenType, nonNil(sec.GrantedScopes), issuedAgo, sec.Expiry.Sub(now).Seconds(),
		refresh, client, nullTime(sec.RefreshIssuedAt), nullTime(sec.ConsentedAt))
	if err != nil {
		return s.fail("share the grant", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("grant %q in %s: %w", p.Name, s.where, ErrExists)
	}
	return nil
}
