package pgtest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestDatabasesAreFreshAndApart(t *testing.T) {
	a, b := pgtest.Database(t), pgtest.Database(t)
	if a == b {
		t.Fatalf("two databases share the DSN %s", a)
	}
	exec(t, a, "CREATE TABLE only_here (x int)")
	if err := try(b, "SELECT * FROM only_here"); err == nil {
		t.Fatal("a table made in one test database is seen in another")
	}
}

func TestOwnClusterStopsAndResumes(t *testing.T) {
	c := pgtest.Own(t)
	dsn := c.Database(t)
	exec(t, dsn, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)")
	c.Stop(t)
	if err := try(dsn, "SELECT 1"); err == nil {
		t.Fatal("the stopped server still answers")
	}
	c.Resume(t)
	exec(t, dsn, "SELECT x FROM kept WHERE x = 7")
}

func exec(t *testing.T, dsn, sql string) {
	t.Helper()
	if err := try(dsn, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func try(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
