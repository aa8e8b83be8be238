package pgstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/seal"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestPostgresStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		return storetest.Harness{Store: shared(t, pgtest.Database(t), host(t)), Name: "conf"}
	})
}

// shared opens the store at dsn as id, sealing to id alone, with the
// seeded grant "conf" in it.
func shared(t *testing.T, dsn string, id seal.Identity) *pgstore.Store {
	t.Helper()
	return seeded(t, dsn, id, storetest.Profile("conf"), storetest.Fresh())
}

func open(t *testing.T, dsn string, id seal.Identity, to pgstore.Recipients) *pgstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := pgstore.Open(ctx, dsn, id, to)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func host(t *testing.T) seal.Identity {
	t.Helper()
	id, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPostgresProtocol(t *testing.T) {
	storetest.RunProtocol(t, func(t *testing.T, p profile.Profile, sec profile.Secrets) grantstore.Store {
		return seeded(t, pgtest.Database(t), host(t), p, sec)
	})
}

// seeded opens the store at dsn as id, sealing to id alone, with p's grant
// shared into it.
func seeded(t *testing.T, dsn string, id seal.Identity, p profile.Profile, sec profile.Secrets) *pgstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := open(t, dsn, id, pgstore.Recipients{Refreshers: []string{id.Recipient()}})
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Share(ctx, p, sec); err != nil {
		t.Fatal(err)
	}
	return s
}
