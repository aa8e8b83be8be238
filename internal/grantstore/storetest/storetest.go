// Package storetest is the one test suite every grantstore.Store must
// pass: the file store and PostgreSQL run the same protocol on it.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/profile"
)

// Seed is the grant every Harness starts with; Fresh gives it its times.
var Seed = profile.Secrets{
	ClientSecret:  "client-secret-seed",
	AccessToken:   "access-token-seed",
	RefreshToken:  "refresh-token-seed",
	TokenType:     "Bearer",
	GrantedScopes: []string{"read:confluence-user", "offline_access"},
}

// Fresh is Seed issued ten minutes ago and lasting fifty more, from the
// moment a store is seeded with it: not from when the tests began, which
// may be minutes earlier when tests before it start databases.
func Fresh() profile.Secrets {
	sec, now := Seed, time.Now()
	sec.AccessIssuedAt, sec.Expiry = now.Add(-10*time.Minute), now.Add(50*time.Minute)
	return sec
}

// Profile is the settings of the seeded grant.
func Profile(name string) profile.Profile {
	return profile.Profile{
		Name: name, Type: profile.TypeOAuth2, RedirectURL: profile.DefaultRedirectURL, ClientID: "client-id-seed",
		AuthURL: "https://auth.example/authorize", TokenURL: "https://auth.example/oauth/token",
		APIBaseURL: profile.DefaultAPIBaseURL, Scopes: []string{"read:confluence-user", "offline_access"},
	}
}

// Harness is a store holding the grant Name, seeded with Fresh().
type Harness struct {
	Store grantstore.Store
	Name  string
}

// Run runs the suite; open makes a fresh harness for each test.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"ReadShowsTheGrantByTheStoresClock", readShowsTheGrant},
		{"CommitMakesTheNextGeneration", commitMakesTheNextGeneration},
		{"ClaimIsExclusive", claimIsExclusive},
		{"CommitOfAnEndedClaimIsFenced", commitOfAnEndedClaimIsFenced},
		{"UnansweredAttemptIsKeptForTheNextClaim", unansweredAttemptIsKept},
		{"NotSpentStartsAfresh", notSpentStartsAfresh},
		{"RejectedAndUncertainAreRemembered", failuresAreRemembered},
		{"MissingGrant", missingGrant},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
}

func readShowsTheGrant(t *testing.T, h Harness) {
	snap, err := h.Store.Read(ctx(t), h.Name)
	if err != nil {
		t.Fatal(err)
	}
	if snap.AccessToken != Seed.AccessToken || snap.TokenType != "Bearer" || snap.State != grantstore.Usable {
		t.Fatalf("Read = %q %q %q; want the seeded token, usable", snap.AccessToken, snap.TokenType, snap.State)
	}
	if left := snap.TimeLeft(); left < 49*time.Minute || left > 51*time.Minute {
		t.Fatalf("time left %s, want about 50m", left)
	}
	if life := snap.Lifetime(); life < 59*time.Minute || life > 61*time.Minute {
		t.Fatalf("lifetime %s, want about 1h", life)
	}
	if snap.Holder != nil {
		t.Fatalf("a claim is reported on a grant nobody claimed: %+v", snap.Holder)
	}
}

func commitMakesTheNextGeneration(t *testing.T, h Harness) {
	before := read(t, h)
	c := claim(t, h)
	if c.Secrets.RefreshToken != Seed.RefreshToken || c.Secrets.ClientSecret != Seed.ClientSecret || c.Settings.ClientID != "client-id-seed" {
		t.Fatalf("the claim does not carry the grant's secrets and settings")
	}
	if c.Generation != before.Generation || c.Remaining() <= 0 {
		t.Fatalf("claim generation %d (read %d), remaining %s", c.Generation, before.Generation, c.Remaining())
	}
	at := time.Now()
	snap, err := h.Store.Commit(ctx(t), c, profile.Refreshed{AccessToken: "access-1", RefreshToken: "refresh-1", TokenType: "Bearer", Expiry: at.Add(time.Hour), At: at})
	if err != nil {
		t.Fatal(err)
	}
	after := read(t, h)
	if after.AccessToken != "access-1" || after.Generation == before.Generation || snap.Generation != after.Generation {
		t.Fatalf("after commit: token %q generation %d (before %d, commit said %d)", after.AccessToken, after.Generation, before.Generation, snap.Generation)
	}
	if left := after.TimeLeft(); left < 59*time.Minute || left > 61*time.Minute {
		t.Fatalf("time left after commit %s, want about 1h", left)
	}
	next := claim(t, h)
	defer release(t, h, next, grantstore.NotSpent)
	if next.Secrets.RefreshToken != "refresh-1" || next.Generation != after.Generation {
		t.Fatalf("the next claim spends %q of generation %d", next.Secrets.RefreshToken, next.Generation)
	}
}

func claimIsExclusive(t *testing.T, h Harness) {
	c := claim(t, h)
	short, cancel := context.WithTimeout(ctx(t), 300*time.Millisecond)
	defer cancel()
	if other, err := h.Store.Claim(short, h.Name, "other", time.Minute); err == nil {
		t.Fatalf("a second claim (fence %d) was granted while the first (fence %d) was held", other.Fence, c.Fence)
	}
	release(t, h, c, grantstore.NotSpent)
	again := claim(t, h)
	defer release(t, h, again, grantstore.NotSpent)
	if again.Fence <= c.Fence {
		t.Fatalf("fence %d after %d: fences must grow", again.Fence, c.Fence)
	}
}

func commitOfAnEndedClaimIsFenced(t *testing.T, h Harness) {
	c := claim(t, h)
	release(t, h, c, grantstore.NotSpent)
	at := time.Now()
	_, err := h.Store.Commit(ctx(t), c, profile.Refreshed{AccessToken: "late", RefreshToken: "late-refresh", Expiry: at.Add(time.Hour), At: at})
	if !errors.Is(err, grantstore.ErrFenced) {
		t.Fatalf("commit of a released claim = %v, want ErrFenced", err)
	}
	if snap := read(t, h); snap.AccessToken != Seed.AccessToken {
		t.Fatalf("a fenced commit changed the grant: %q", snap.AccessToken)
	}
}

func unansweredAttemptIsKept(t *testing.T, h Harness) {
	first := claim(t, h)
	if !first.EarlierAttempt.IsZero() {
		t.Fatalf("the first claim reports an earlier attempt at %s", first.EarlierAttempt)
	}
	release(t, h, first, grantstore.Unanswered)
	second := claim(t, h)
	if second.EarlierAttempt.IsZero() || second.EarlierAttempt.After(second.Now) {
		t.Fatalf("after an unanswered attempt the next claim reports %s (now %s)", second.EarlierAttempt, second.Now)
	}
	// Its own attempt spending nothing does not erase the earlier one.
	release(t, h, second, grantstore.NotSpent)
	third := claim(t, h)
	defer release(t, h, third, grantstore.NotSpent)
	if !third.EarlierAttempt.Equal(second.EarlierAttempt) {
		t.Fatalf("earlier attempt %s, then %s: it must stay until a commit", second.EarlierAttempt, third.EarlierAttempt)
	}
}

func notSpentStartsAfresh(t *testing.T, h Harness) {
	release(t, h, claim(t, h), grantstore.NotSpent)
	c := claim(t, h)
	defer release(t, h, c, grantstore.NotSpent)
	if !c.EarlierAttempt.IsZero() {
		t.Fatalf("an attempt that spent nothing is reported as earlier attempt %s", c.EarlierAttempt)
	}
}

func failuresAreRemembered(t *testing.T, h Harness) {
	release(t, h, claim(t, h), grantstore.EndRejected)
	if snap := read(t, h); snap.State != grantstore.Rejected || snap.StateSince.IsZero() {
		t.Fatalf("after a rejection the grant reads %q since %s", snap.State, snap.StateSince)
	}
	c := claim(t, h)
	at := time.Now()
	if _, err := h.Store.Commit(ctx(t), c, profile.Refreshed{AccessToken: "a2", RefreshToken: "r2", Expiry: at.Add(time.Hour), At: at}); err != nil {
		t.Fatal(err)
	}
	release(t, h, claim(t, h), grantstore.Unanswered)
	release(t, h, claim(t, h), grantstore.EndUncertain)
	if snap := read(t, h); snap.State != grantstore.Uncertain {
		t.Fatalf("after an uncertain end the grant reads %q", snap.State)
	}
}

func missingGrant(t *testing.T, h Harness) {
	if _, err := h.Store.Read(ctx(t), "no such grant"); !errors.Is(err, grantstore.ErrNotFound) {
		t.Fatalf("Read of a missing grant = %v, want ErrNotFound", err)
	}
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func read(t *testing.T, h Harness) grantstore.Snapshot {
	t.Helper()
	snap, err := h.Store.Read(ctx(t), h.Name)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func claim(t *testing.T, h Harness) grantstore.Claim {
	t.Helper()
	c, err := h.Store.Claim(ctx(t), h.Name, "suite", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func release(t *testing.T, h Harness, c grantstore.Claim, end grantstore.End) {
	t.Helper()
	if err := h.Store.Release(ctx(t), c, end); err != nil {
		t.Fatal(err)
	}
}
