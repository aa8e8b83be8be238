package grantstore_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

// unreachable is a store that cannot be reached.
type unreachable struct{ grantstore.Store }

func (unreachable) Read(context.Context, string) (grantstore.Snapshot, error) {
	return grantstore.Snapshot{}, grantstore.ErrUnreachable
}

// Two stores each hold a grant called "conf", and one host uses both:
// neither's pending answer nor cached token is the other's.
func TestStoresKeepApartTheirGrantsOfOneName(t *testing.T) {
	id, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	host := func(w *storetest.World, store string) *grantstore.Source {
		return &grantstore.Source{Store: w.Store, Name: "conf", Settings: w.Settings, Host: "host",
			Journal: grantstore.OpenJournal(dir, store, id), Cache: grantstore.OpenCache(dir, store, id)}
	}
	a := host(storetest.NewWorld(t, fileStore, false, false), "postgres://authwiz@a.example/authwiz")
	b := host(storetest.NewWorld(t, fileStore, false, false), "postgres://authwiz@b.example/authwiz")

	answer := func(token string) grantstore.Entry {
		return grantstore.Entry{Name: "conf", Generation: 1, Answer: profile.Refreshed{AccessToken: token}}
	}
	if err := a.Journal.Put(answer("answer from A")); err != nil {
		t.Fatal(err)
	}
	if err := b.Journal.Put(answer("answer from B")); err != nil {
		t.Fatal(err)
	}
	if e, kept, err := a.Journal.Get("conf"); err != nil || !kept || e.Answer.AccessToken != "answer from A" {
		t.Fatalf("store A's pending answer, once B's was put: kept %t, %q (%v)", kept, e.Answer.AccessToken, err)
	}
	if err := b.Journal.Drop("conf"); err != nil {
		t.Fatal(err)
	}
	if _, kept, err := a.Journal.Get("conf"); err != nil || !kept {
		t.Fatalf("store A's pending answer, once B's was dropped: kept %t (%v)", kept, err)
	}

	fromB, fromA := mustToken(t, b), mustToken(t, a)
	if fromA.AccessToken == fromB.AccessToken {
		t.Fatal("the two stores' grants hold the same token: the test proves nothing")
	}
	b.Store = unreachable{b.Store}
	if got := mustToken(t, b); !got.Cached || got.AccessToken != fromB.AccessToken {
		t.Fatalf("with store B unreachable: cached %t, its own token %t, store A's %t", got.Cached, got.AccessToken == fromB.AccessToken, got.AccessToken == fromA.AccessToken)
	}
}

// An answer journaled by an earlier version (by the grant's name alone,
// without the refresh token it spent) still mends the uncertain grant.
func TestAnswerJournaledBeforeTheUpgradeIsRecovered(t *testing.T) {
	w := storetest.NewWorld(t, fileStore, true, false)
	keeper := w.Source(t, "keeper")
	c, answer := storetest.Spend(t, w.Store, w.Settings)
	if err := grantstore.PutOld(keeper.Journal, grantstore.Entry{Name: "conf", Generation: c.Generation, Fence: c.Fence, Answer: answer}); err != nil {
		t.Fatal(err)
	}
	if err := w.Store.Release(t.Context(), c, grantstore.EndUncertain); err != nil {
		t.Fatal(err)
	}
	tok, err := keeper.Recover(t.Context())
	if err != nil || tok.AccessToken != answer.AccessToken {
		t.Fatalf("recover of an answer journaled before the upgrade = %v (its token %t)", err, tok.AccessToken == answer.AccessToken)
	}
	if _, kept, err := keeper.Journal.Get("conf"); kept || err != nil {
		t.Fatalf("the recovered answer is still in the journal (%t, %v)", kept, err)
	}
}

func mustToken(t *testing.T, src *grantstore.Source) grantstore.Token {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	tok, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Forgetting a grant's cached token also forgets the copy an earlier
// version kept under the grant's name alone.
func TestDropForgetsATokenCachedBeforeTheUpgrade(t *testing.T) {
	id, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := grantstore.OpenCache(dir, "postgres://authwiz@a.example/authwiz", id)
	old := grantstore.OldCachePath(c, "conf", 3)
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("sealed token"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Drop("conf"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the token cached under the name alone is still there (%v)", err)
	}
}
