package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// A refresher dies between its refresh and its commit; the grant is then
// deleted and shared again from a new consent, under the same name. The
// new grant counts its generations from 1 again, so the dead refresher's
// answer names the generation the new grant is at: it must not be saved
// over the new grant's refresh token.
func TestAnswerToADeletedGrantIsNotSavedOverItsSuccessor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	atl := atltest.Start(t)
	p, first := storetest.Consented(t, atl, "conf", true)
	dsn, id := pgtest.Database(t), host(t)
	s := seeded(t, dsn, id, p, first)
	src := &grantstore.Source{Store: s, Name: "conf", Settings: p, Host: "host", Poll: 10 * time.Millisecond,
		Journal: grantstore.OpenJournal(t.TempDir(), dsn, id), Warn: func(msg string) { t.Log(msg) }}

	c, lost := storetest.Spend(t, s, p)
	if err := src.Journal.Put(grantstore.Entry{Name: "conf", Generation: c.Generation, Fence: c.Fence,
		Spent: grantstore.TokenID(c.Secrets.RefreshToken), Answer: lost}); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, c, grantstore.Unanswered); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "conf"); err != nil {
		t.Fatal(err)
	}
	_, second := storetest.Consented(t, atl, "conf", true)
	if err := s.Share(ctx, p, second); err != nil {
		t.Fatal(err)
	}
	if snap, err := s.Read(ctx, "conf"); err != nil || snap.Generation != c.Generation {
		t.Fatalf("the grant shared again is at generation %d (%v), the lost answer's %d: the test proves nothing", snap.Generation, err, c.Generation)
	}

	tok, err := src.Token(ctx)
	if err != nil || tok.AccessToken == lost.AccessToken || !storetest.Works(t, atl, tok.AccessToken) {
		t.Fatalf("token of the grant shared again = %v; the lost answer's token %t", err, tok.AccessToken == lost.AccessToken)
	}
	if _, kept, err := src.Journal.Get("conf"); kept || err != nil {
		t.Fatalf("the deleted grant's answer is still in the journal (%t, %v)", kept, err)
	}
	claim, err := s.Claim(ctx, "conf", "check", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release(ctx, claim, grantstore.NotSpent)
	if claim.Secrets.RefreshToken == lost.RefreshToken {
		t.Fatal("the store holds the deleted grant's refresh token")
	}
}
