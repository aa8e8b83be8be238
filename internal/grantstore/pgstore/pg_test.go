package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/profile"
)

func TestExpiredClaimIsTakenOverAndTheLateCommitFenced(t *testing.T) {
	s := shared(t, pgtest.Database(t), host(t))
	ctx := context.Background()
	// A claim that ends at once stands for a holder paused past its claim.
	paused, err := s.Claim(ctx, "conf", "paused", 0)
	if err != nil {
		t.Fatal(err)
	}
	taker, err := s.Claim(ctx, "conf", "taker", time.Minute)
	if err != nil {
		t.Fatalf("an expired claim was not taken over: %v", err)
	}
	if taker.EarlierAttempt.IsZero() || taker.Fence <= paused.Fence {
		t.Fatalf("takeover: earlier attempt %s, fence %d after %d", taker.EarlierAttempt, taker.Fence, paused.Fence)
	}
	// The late commit comes while the taker still holds the claim: only
	// the fence tells them apart.
	at := time.Now()
	_, err = s.Commit(ctx, paused, profile.Refreshed{AccessToken: "paused", RefreshToken: "r-paused", Expiry: at.Add(time.Hour), At: at})
	if !errors.Is(err, grantstore.ErrFenced) {
		t.Fatalf("the paused holder's late commit = %v, want ErrFenced", err)
	}
	if _, err := s.Commit(ctx, taker, profile.Refreshed{AccessToken: "taker", RefreshToken: "r-taker", Expiry: at.Add(time.Hour), At: at}); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Read(ctx, "conf")
	if err != nil || snap.AccessToken != "taker" {
		t.Fatalf("Read = %q, %v; want the taker's token", snap.AccessToken, err)
	}
}

func TestLiveClaimNamesItsHolder(t *testing.T) {
	s := shared(t, pgtest.Database(t), host(t))
	ctx := context.Background()
	c, err := s.Claim(ctx, "conf", "host-a (PID 42)", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Claim(ctx, "conf", "host-b", time.Minute)
	var claimed *grantstore.ClaimedError
	if !errors.As(err, &claimed) || claimed.Holder.Host != "host-a (PID 42)" || claimed.Holder.Fence != c.Fence {
		t.Fatalf("second claim = %v, want a ClaimedError naming host-a", err)
	}
	snap, _ := s.Read(ctx, "conf")
	if snap.Holder == nil || snap.Holder.Host != "host-a (PID 42)" || !snap.Holder.Until.After(snap.Now) {
		t.Fatalf("Read shows holder %+v", snap.Holder)
	}
}

// The store's clock decides: answers timed by a host whose clock is hours
// off still last their lifetime.
func TestTimesAreTheDatabases(t *testing.T) {
	s := shared(t, pgtest.Database(t), host(t))
	ctx := context.Background()
	c, err := s.Claim(ctx, "conf", "skewed", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	skewed := time.Now().Add(-3 * time.Hour)
	snap, err := s.Commit(ctx, c, profile.Refreshed{AccessToken: "a", Expiry: skewed.Add(10 * time.Minute), At: skewed})
	if err != nil {
		t.Fatal(err)
	}
	if left := snap.TimeLeft(); left < 9*time.Minute || left > 10*time.Minute {
		t.Fatalf("time left %s, want the token's 10 minutes", left)
	}
}

func TestConsumerRoleReadsTheAccessTokenOnly(t *testing.T) {
	c := pgtest.Own(t)
	dsn := c.Database(t)
	refresher, consumer := host(t), host(t)
	owner := open(t, dsn, refresher, pgstore.Recipients{Refreshers: []string{refresher.Recipient()}, Consumers: []string{consumer.Recipient()}})
	ctx := context.Background()
	if err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := owner.Share(ctx, storetest.Profile("conf"), storetest.Fresh()); err != nil {
		t.Fatal(err)
	}
	c.Exec(t, "CREATE ROLE authwiz_consumer LOGIN")
	db := dsn[strings.LastIndex(dsn, "/")+1 : strings.Index(dsn, "?")]
	pgtest.Exec(t, dsn, "GRANT SELECT ("+pgstore.ConsumerColumns+") ON authwiz_grants TO authwiz_consumer")
	asConsumer := open(t, strings.Replace(dsn, "postgres@", "authwiz_consumer@", 1), consumer, pgstore.Recipients{Refreshers: []string{refresher.Recipient()}})
	snap, err := asConsumer.Read(ctx, "conf")
	if err != nil || snap.AccessToken != storetest.Seed.AccessToken {
		t.Fatalf("consumer Read = %q, %v; want the access token (database %s)", snap.AccessToken, err, db)
	}
	_, err = asConsumer.Claim(ctx, "conf", "consumer", time.Minute)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" || errors.Is(err, grantstore.ErrUnreachable) {
		t.Fatalf("consumer Claim = %v, want permission denied", err)
	}
}

func TestDumpHoldsNoSecret(t *testing.T) {
	dsn := pgtest.Database(t)
	s := shared(t, dsn, host(t))
	ctx := context.Background()
	c, err := s.Claim(ctx, "conf", "h", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if _, err := s.Commit(ctx, c, profile.Refreshed{AccessToken: "access-after-refresh", RefreshToken: "refresh-after-refresh", Expiry: at.Add(time.Hour), At: at}); err != nil {
		t.Fatal(err)
	}
	dump := pgtest.Dump(t, dsn)
	if !bytes.Contains(dump, []byte("client-id-seed")) {
		t.Fatal("the dump does not hold the grant at all")
	}
	for _, secret := range []string{storetest.Seed.ClientSecret, storetest.Seed.AccessToken, storetest.Seed.RefreshToken, "access-after-refresh", "refresh-after-refresh"} {
		if bytes.Contains(dump, []byte(secret)) {
			t.Errorf("the dump holds %q in plain text", secret)
		}
	}
}

func TestOpenRefusesAPasswordInTheAddress(t *testing.T) {
	_, err := pgstore.Open(context.Background(), "postgres://authwiz:hunter2@db.example/authwiz", host(t), pgstore.Recipients{})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "PGPASSWORD") {
		t.Fatalf("Open with a password in the DSN = %v, want a refusal naming PGPASSWORD, without the password", err)
	}
}

func TestUnreachableStoreSaysSo(t *testing.T) {
	c := pgtest.Own(t)
	s := shared(t, c.Database(t), host(t))
	c.Stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := s.Read(ctx, "conf"); !errors.Is(err, grantstore.ErrUnreachable) {
		t.Fatalf("Read with the database stopped = %v, want ErrUnreachable", err)
	}
	if _, err := s.Claim(ctx, "conf", "h", time.Minute); !errors.Is(err, grantstore.ErrUnreachable) {
		t.Fatalf("Claim with the database stopped = %v, want ErrUnreachable", err)
	}
	c.Resume(t)
	if snap, err := s.Read(ctx, "conf"); err != nil || snap.AccessToken != storetest.Seed.AccessToken {
		t.Fatalf("Read after the database came back = %q, %v", snap.AccessToken, err)
	}
}

// The README's grant for refresher hosts is all a refresh needs.
func TestRefresherRoleRefreshesWithSelectAndUpdate(t *testing.T) {
	c := pgtest.Own(t)
	dsn := c.Database(t)
	id := host(t)
	shared(t, dsn, id)
	c.Exec(t, "CREATE ROLE authwiz_refresher LOGIN")
	pgtest.Exec(t, dsn, "GRANT SELECT, UPDATE ON authwiz_grants TO authwiz_refresher")
	s := open(t, strings.Replace(dsn, "postgres@", "authwiz_refresher@", 1), id, pgstore.Recipients{Refreshers: []string{id.Recipient()}})
	ctx := context.Background()
	claim, err := s.Claim(ctx, "conf", "refresher", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if _, err := s.Commit(ctx, claim, profile.Refreshed{AccessToken: "a2", RefreshToken: "r2", Expiry: at.Add(time.Hour), At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, claim, grantstore.NotSpent); err != nil {
		t.Fatal(err)
	}
}

// A claim by a host the grant's secrets are not sealed to is of no use to
// it: it ends at once, neither barring the other hosts nor leaving an
// attempt mark that reads as a refresh that may have spent the token.
func TestClaimThisHostCannotOpenIsEndedAtOnce(t *testing.T) {
	dsn := pgtest.Database(t)
	s := shared(t, dsn, host(t))
	stranger := host(t)
	asStranger := open(t, dsn, stranger, pgstore.Recipients{Refreshers: []string{stranger.Recipient()}})
	ctx := context.Background()
	if c, err := asStranger.Claim(ctx, "conf", "stranger", time.Minute); err == nil || c.Fence != 0 {
		t.Fatalf("a host the refresh token is not sealed to: claim %d, %v; want an error and no claim", c.Fence, err)
	}
	c, err := s.Claim(ctx, "conf", "refresher", time.Minute)
	if err != nil {
		t.Fatalf("a refresher after the stranger's claim: %v", err)
	}
	if !c.EarlierAttempt.IsZero() {
		t.Fatalf("the stranger's claim left an earlier attempt at %s", c.EarlierAttempt)
	}
}
