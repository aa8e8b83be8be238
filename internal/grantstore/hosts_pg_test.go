//go:build unix

package grantstore_test

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/grantstore/pgtest"
	"github.com/authwiz/authwiz/internal/grantstore/storetest"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// Sixteen hosts, their clocks minutes apart, find the same 1-second token
// expired at once, round after round, against a server that refuses any
// reuse of a refresh token: one refresh per generation, and every host
// hands out a token that works.
func TestSixteenHostsRefreshOneGrantAtOnce(t *testing.T) {
	dsn := pgtest.Own(t).Database(t)
	// The stand-in's clock stands still, so it refuses a token only for
	// what the hosts did (a reuse, a lost rotation), never for a loaded
	// machine's delay between handing it out and trying it. The store's
	// clock, which decides when to refresh, runs: tokens last a second.
	frozen := time.Now()
	atl := atltest.Start(t, func(cfg *atlserver.Config) {
		cfg.AccessTokenLifetime = time.Second
		cfg.Now = func() time.Time { return frozen }
	})
	p, sec := storetest.Consented(t, atl, "conf", true)
	dirs, keys := hosts(t, 16)
	store := shareTo(t, dsn, dirs[0], keys, p, sec)
	rounds := 20
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		var procs []*proc
		for i, dir := range dirs {
			procs = append(procs, start(t, hostConfig{DSN: dsn, Dir: dir, Settings: p, Refreshers: keys,
				Skew: time.Duration(i-8) * time.Minute, Check: atl.APIBaseURL()}))
		}
		for i, pr := range procs {
			if _, err := pr.wait(t); err != nil {
				t.Fatalf("round %d, host %d: %v\n%s", round, i, err, pr.stderr)
			}
		}
		snap, err := store.Read(context.Background(), "conf")
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(max(snap.TimeLeft(), 0) + 10*time.Millisecond)
	}
	snap, err := store.Read(context.Background(), "conf")
	if err != nil {
		t.Fatal(err)
	}
	if n := atl.Refreshes(); int64(n) != snap.Generation-1 || n < rounds {
		t.Fatalf("%d refreshes for %d generations in %d rounds: want one per generation, at least one a round", n, snap.Generation-1, rounds)
	}
}

// A refresher killed after the token endpoint answered and before its
// commit: the next claimant within the window sends the same refresh token
// again and goes on; past the window the grant is marked uncertain, and
// only the killed host's journal mends it.
func TestKilledRefresherIsRecovered(t *testing.T) {
	dsn := pgtest.Own(t).Database(t)
	atl := atltest.Start(t)
	atl.SetRefreshReuseLeeway(atlserver.AtlassianReuseInterval)
	p, sec := storetest.Consented(t, atl, "conf", true)
	dirs, keys := hosts(t, 3)
	store := shareTo(t, dsn, dirs[0], keys, p, sec)
	host := func(dir int) hostConfig {
		return hostConfig{DSN: dsn, Dir: dirs[dir], Settings: p, Refreshers: keys, Claim: 2 * time.Second, Check: atl.APIBaseURL()}
	}
	kill := func() {
		cfg := host(0)
		cfg.Pause = time.Hour
		killed := start(t, cfg)
		if l := killed.line(t); l != "journaled" {
			t.Fatalf("the refresher said %q", l)
		}
		killed.signal(t, syscall.SIGKILL)
		killed.wait(t)
	}

	kill()
	if _, err := start(t, host(1)).wait(t); err != nil {
		t.Fatalf("the next claimant within the window: %v", err)
	}
	if n := atl.Refreshes(); n != 2 {
		t.Fatalf("%d refreshes, want the killed one and its retry", n)
	}

	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET access_expiry = now()")
	kill()
	// Six minutes pass on the database's clock, and the claim ends.
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET attempt_since = attempt_since - interval '6 minutes', claim_until = now()")
	late := start(t, host(1))
	if _, err := late.wait(t); err == nil || !strings.Contains(late.stderr.String(), "authwiz recover conf") {
		t.Fatalf("the claimant past the window: %v\n%s", err, late.stderr)
	}
	if n := atl.Refreshes(); n != 3 {
		t.Fatalf("%d refreshes: the refresh token was sent again past the window", n)
	}
	if snap, _ := store.Read(context.Background(), "conf"); snap.State != grantstore.Uncertain {
		t.Fatalf("the grant reads %q, want uncertain", snap.State)
	}

	elsewhere := host(2)
	elsewhere.Recover = true
	if pr := start(t, elsewhere); pr.waitErr(t) == nil || !strings.Contains(pr.stderr.String(), "journal holds no refresh answer") {
		t.Fatalf("recover on a host without the answer:\n%s", pr.stderr)
	}
	killedHost := host(0)
	killedHost.Recover = true
	if pr := start(t, killedHost); pr.waitErr(t) != nil {
		t.Fatalf("recover on the killed host:\n%s", pr.stderr)
	}
	if _, err := start(t, host(1)).wait(t); err != nil {
		t.Fatalf("token after recover: %v", err)
	}
	if n := atl.Refreshes(); n != 3 {
		t.Fatalf("%d refreshes: recover must not spend anything", n)
	}
}

// A refresher stopped (SIGSTOP) between the answer and its commit until its
// claim ran out, then resumed: the host that took over wins, and the late
// answer is reported superseded and never handed out.
func TestPausedRefresherIsFencedOut(t *testing.T) {
	dsn := pgtest.Own(t).Database(t)
	atl := atltest.Start(t)
	atl.SetRefreshReuseLeeway(atlserver.AtlassianReuseInterval)
	p, sec := storetest.Consented(t, atl, "conf", true)
	dirs, keys := hosts(t, 2)
	store := shareTo(t, dsn, dirs[0], keys, p, sec)
	paused := start(t, hostConfig{DSN: dsn, Dir: dirs[0], Settings: p, Refreshers: keys, Claim: 2 * time.Second,
		Pause: 3 * time.Second, Check: atl.APIBaseURL()})
	if l := paused.line(t); l != "journaled" {
		t.Fatalf("the refresher said %q", l)
	}
	paused.signal(t, syscall.SIGSTOP)
	defer paused.cmd.Process.Signal(syscall.SIGCONT)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if snap, err := store.Read(context.Background(), "conf"); err == nil && snap.Holder == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the paused host's claim never ran out")
		}
	}
	// The paused host resumes while the taker holds the claim, its answer
	// in hand (and waits longer than what is left of the paused host's
	// own wait): only the fence tells their commits apart.
	taking := start(t, hostConfig{DSN: dsn, Dir: dirs[1], Settings: p, Refreshers: keys, Pause: 5 * time.Second, Check: atl.APIBaseURL()})
	if l := taking.line(t); l != "journaled" {
		t.Fatalf("the taker said %q", l)
	}
	paused.signal(t, syscall.SIGCONT)
	late, err := paused.wait(t)
	if err != nil || !strings.Contains(paused.stderr.String(), "superseded") {
		t.Fatalf("the resumed host: %v\n%s", err, paused.stderr)
	}
	taker, err := taking.wait(t)
	if err != nil || late != taker {
		t.Fatalf("the taker: %v; the resumed host handed out the taker's token: %t", err, late == taker)
	}
	if snap, _ := store.Read(context.Background(), "conf"); snap.AccessToken != taker {
		t.Fatal("the store does not hold the taker's token")
	}
}

// The database stops while a refresher waits to commit and while hosts
// read: nothing is refreshed without it, a cached token is served until
// its margin, then a clear error; when it is back, the kept answer is saved
// without spending anything more.
func TestStoreDownDuringRefreshAndReads(t *testing.T) {
	cluster := pgtest.Own(t)
	dsn := cluster.Database(t)
	atl := atltest.Start(t)
	p, sec := storetest.Consented(t, atl, "conf", false)
	dirs, keys := hosts(t, 3)
	shareTo(t, dsn, dirs[0], keys, p, sec)
	host := func(dir int) hostConfig {
		return hostConfig{DSN: dsn, Dir: dirs[dir], Settings: p, Refreshers: keys, Claim: 2 * time.Second, Check: atl.APIBaseURL()}
	}
	reader, refresher, stranger := host(0), host(1), host(2)
	// A token with three minutes left, so its margin is 45 seconds.
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET access_expiry = now() + interval '3 minutes'")
	first, err := start(t, reader).wait(t)
	if err != nil {
		t.Fatal(err)
	}

	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET access_expiry = now() + interval '1 second'")
	time.Sleep(time.Second)
	refresher.Pause = 5 * time.Second // long enough to stop the database meanwhile
	refreshing := start(t, refresher)
	if l := refreshing.line(t); l != "journaled" {
		t.Fatalf("the refresher said %q", l)
	}
	cluster.Stop(t)
	if _, err := refreshing.wait(t); err == nil || !strings.Contains(refreshing.stderr.String(), "authwiz recover conf") {
		t.Fatalf("a commit with the store down: %v\n%s", err, refreshing.stderr)
	}

	cached := start(t, reader)
	if tok, err := cached.wait(t); err != nil || tok != first || !strings.Contains(cached.stderr.String(), "cannot be reached") {
		t.Fatalf("a reader with the store down: %v, its cached token %t\n%s", err, tok == first, cached.stderr)
	}
	pastMargin, longAgo := reader, reader
	pastMargin.Skew = 150 * time.Second // the copy has 30 of its 45 seconds of margin left
	longAgo.Skew = 6 * time.Minute      // another host may have replaced it long ago
	for _, c := range []struct {
		name string
		cfg  hostConfig
		want string
	}{
		{"a reader past the margin", pastMargin, "expires at"},
		{"a reader whose copy was confirmed too long ago", longAgo, "too long ago"},
		{"a host without a copy", stranger, "has no copy"},
	} {
		pr := start(t, c.cfg)
		if err := pr.waitErr(t); err == nil || !strings.Contains(pr.stderr.String(), c.want) || !strings.Contains(pr.stderr.String(), "nothing was refreshed") {
			t.Fatalf("%s with the store down: %v\n%s", c.name, err, pr.stderr)
		}
	}
	if n := atl.Refreshes(); n != 1 {
		t.Fatalf("%d refreshes with the store down, want only the one before it stopped", n)
	}

	cluster.Resume(t)
	saved, err := start(t, refresher).wait(t)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := start(t, host(2)).wait(t); err != nil || tok != saved || atl.Refreshes() != 1 {
		t.Fatalf("after the store came back: %v, same token %t, %d refreshes; want the kept answer saved, no new refresh", err, tok == saved, atl.Refreshes())
	}
}

// A token another host's refresh may have replaced over five minutes ago
// is not handed out, however long it would last.
func TestATokenSupersededFiveMinutesAgoIsNotHandedOut(t *testing.T) {
	dsn := pgtest.Own(t).Database(t)
	atl := atltest.Start(t)
	p, sec := storetest.Consented(t, atl, "conf", false)
	dirs, keys := hosts(t, 1)
	store := shareTo(t, dsn, dirs[0], keys, p, sec)
	c, err := store.Claim(context.Background(), "conf", "lost", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Release(context.Background(), c, grantstore.Unanswered); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, dsn, "UPDATE authwiz_grants SET attempt_since = now() - interval '301 seconds'")
	pr := start(t, hostConfig{DSN: dsn, Dir: dirs[0], Settings: p, Refreshers: keys})
	if tok, err := pr.wait(t); err == nil || tok == sec.AccessToken {
		t.Fatalf("the token was handed out %s after a refresh that may have replaced it", 301*time.Second)
	}
	if !strings.Contains(pr.stderr.String(), "uncertain") {
		t.Fatalf("want the grant uncertain:\n%s", pr.stderr)
	}
}
