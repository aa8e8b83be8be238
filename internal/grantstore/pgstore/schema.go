package pgstore

// schema is the grant table, version 1. Secrets are age envelopes: the
// refresh token and the client secret sealed to the hosts that may refresh,
// the access token to those that may use it. Every time is the database's.
//
// Roles (see README, "Many hosts"): the table's owner runs Migrate and
// Share; refresher hosts may read and update the table; consumer hosts may
// read only the columns ConsumerColumns lists.
const schema = `
CREATE TABLE IF NOT EXISTS authwiz_schema (version int NOT NULL);
CREATE TABLE IF NOT EXISTS authwiz_grants (
	name                text PRIMARY KEY,
	settings            jsonb NOT NULL,
	generation          bigint NOT NULL DEFAULT 1,
	access_token        bytea,
	token_type          text NOT NULL DEFAULT '',
	access_issued       timestamptz,
	access_expiry       timestamptz,
	granted_scopes      text[] NOT NULL DEFAULT '{}',
	refresh_token       bytea,
	client_secret       bytea,
	refresh_issued      timestamptz,
	consented_at        timestamptz,
	state               text NOT NULL DEFAULT 'ok',
	state_since         timestamptz,
	fence               bigint NOT NULL DEFAULT 0,
	claim_holder        text,
	claim_since         timestamptz,
	claim_until         timestamptz,
	attempt_since       timestamptz,
	attempt_fence       bigint,
	attempt_end         text,
	updated_at          timestamptz NOT NULL DEFAULT now()
);`

const schemaVersion = 1

// ConsumerColumns are the only columns a consumer host needs: grant them
// alone to the consumers' role (GRANT SELECT (…) ON authwiz_grants).
const ConsumerColumns = "name, generation, access_token, token_type, access_issued, access_expiry, state, state_since, fence, claim_holder, claim_since, claim_until, attempt_since"
