package storetest

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/grantstore"
	"github.com/authwiz/authwiz/internal/profile"
	atlserver "github.com/authwiz/authwiz/internal/rehearsal/server"
	"github.com/authwiz/authwiz/internal/seal"
	"github.com/authwiz/authwiz/internal/testkit/atltest"
)

// Seeded is a store holding the grant p.Name with sec in it.
type Seeded func(t *testing.T, p profile.Profile, sec profile.Secrets) grantstore.Store

// World is one protocol test's stand-in for Atlassian and its store.
type World struct {
	Atlassian *atltest.Atlassian
	Store     grantstore.Store
	Settings  profile.Profile
	Secrets   profile.Secrets
}

// NewWorld seeds a store from a consent on a strict stand-in (with
// Atlassian's reuse interval when leeway is set).
func NewWorld(t *testing.T, open Seeded, expired, leeway bool) *World {
	t.Helper()
	atl := atltest.Start(t)
	if leeway {
		atl.SetRefreshReuseLeeway(atlserver.AtlassianReuseInterval)
	}
	p, sec := Consented(t, atl, "conf", expired)
	return &World{Atlassian: atl, Store: open(t, p, sec), Settings: p, Secrets: sec}
}

// StoreID is what a World's hosts key their journal and cache by.
const StoreID = "the store under test"

// Source is a host of its own (config dir, key) running the protocol on
// w's grant with this host's copy of the settings.
func (w *World) Source(t *testing.T, host string) *grantstore.Source {
	t.Helper()
	id, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return &grantstore.Source{Store: w.Store, Name: w.Settings.Name, Settings: w.Settings, Host: host,
		Journal: grantstore.OpenJournal(dir, StoreID, id), Cache: grantstore.OpenCache(dir, StoreID, id), Poll: 10 * time.Millisecond,
		Warn: func(msg string) { t.Log(host + ": " + msg) }}
}

// RunProtocol runs the refresh protocol's tests that hold for every store.
func RunProtocol(t *testing.T, open Seeded) {
	tests := []struct {
		name string
		run  func(t *testing.T, open Seeded)
	}{
		{"ValidTokenIsServedWithoutARefresh", validTokenIsServed},
		{"ExpiredTokenIsRefreshedOnceAndSaved", expiredTokenIsRefreshed},
		{"HostsAskingAtOnceShareOneRefresh", hostsShareOneRefresh},
		{"LostAnswerIsRetriedWithinTheWindow", lostAnswerIsRetried},
		{"LostAnswerPastTheWindowMakesTheGrantUncertain", lostAnswerPastTheWindow},
		{"SettingsComeFromThisHost", settingsComeFromThisHost},
		{"SkewedHostClockDecidesNothing", skewedHostClock},
		{"ConsumerWaitsForARefresher", consumerWaits},
		{"UncertainGrantIsRecoveredFromThisHostsJournal", recoveredFromTheJournal},
		{"AnswerToAnEarlierGrantOfTheNameIsDropped", earlierGrantsAnswerIsDropped},
		{"AnswerToAnEarlierGrantOfTheNameIsNotRecovered", earlierGrantsAnswerIsNotRecovered},
		{"RefreshEndsInsideTheClaim", refreshEndsInsideTheClaim},
		{"SignalHeldDuringARefreshStopsAfterItIsSaved", heldSignalStops},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

func validTokenIsServed(t *testing.T, open Seeded) {
	w := NewWorld(t, open, false, false)
	tok := token(t, w.Source(t, "a"))
	if tok.AccessToken != w.Secrets.AccessToken || w.Atlassian.Refreshes() != 0 {
		t.Fatalf("a valid token: got another (%t), %d refreshes", tok.AccessToken != w.Secrets.AccessToken, w.Atlassian.Refreshes())
	}
}

func expiredTokenIsRefreshed(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	src := w.Source(t, "a")
	first := token(t, src)
	if first.AccessToken == w.Secrets.AccessToken || !Works(t, w.Atlassian, first.AccessToken) {
		t.Fatal("the expired token was not replaced by a working one")
	}
	if again := token(t, w.Source(t, "b")); again.AccessToken != first.AccessToken {
		t.Fatal("another host got another token: the refresh was not saved to the store")
	}
	if n := w.Atlassian.Refreshes(); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	if _, kept, err := src.Journal.Get("conf"); kept || err != nil {
		t.Fatalf("the journal still holds the committed answer (%t, %v)", kept, err)
	}
}

func hostsShareOneRefresh(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	w.Atlassian.SetTokenDelay(200 * time.Millisecond)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		tokens = map[string]int{}
	)
	for i := range 6 {
		src := w.Source(t, "host-"+string(rune('a'+i)))
		wg.Go(func() {
			tok, err := src.Token(ctx(t))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			tokens[tok.AccessToken]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if n := w.Atlassian.Refreshes(); n != 1 || len(tokens) != 1 {
		t.Fatalf("%d refreshes and %d different tokens, want 1 and 1", n, len(tokens))
	}
}

// Spend claims the grant and spends its refresh token with settings,
// committing nothing: what a host does before it dies mid-refresh. The
// caller ends the claim.
func Spend(t testing.TB, store grantstore.Store, settings profile.Profile) (grantstore.Claim, profile.Refreshed) {
	t.Helper()
	c, err := store.Claim(ctx(t), settings.Name, "lost", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: settings.ClientID, ClientSecret: c.Secrets.ClientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: settings.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	tok, err := conf.TokenSource(ctx(t), &oauth2.Token{RefreshToken: c.Secrets.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("the lost refresh: %v", err)
	}
	return c, profile.Refreshed{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: "Bearer", Expiry: tok.Expiry, At: time.Now()}
}

// lose spends the grant's refresh token the way a host does that dies
// before its answer is saved, and ends the claim with end. The answer is
// kept in keep's journal when keep is set.
func lose(t *testing.T, w *World, end grantstore.End, keep *grantstore.Source) profile.Refreshed {
	t.Helper()
	c, answer := Spend(t, w.Store, w.Settings)
	if keep != nil {
		if err := keep.Journal.Put(grantstore.Entry{Name: "conf", Generation: c.Generation, Fence: c.Fence,
			Spent: grantstore.TokenID(c.Secrets.RefreshToken), Answer: answer}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Store.Release(ctx(t), c, end); err != nil {
		t.Fatal(err)
	}
	return answer
}

// The host that kept a lost answer mends the uncertain grant itself, at
// its next token, without spending anything.
func recoveredFromTheJournal(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	keeper := w.Source(t, "keeper")
	answer := lose(t, w, grantstore.EndUncertain, keeper)
	if _, err := w.Source(t, "other").Token(ctx(t)); !errors.Is(err, grantstore.ErrUncertain) {
		t.Fatalf("a host without the answer = %v, want ErrUncertain", err)
	}
	if tok := token(t, keeper); tok.AccessToken != answer.AccessToken || w.Atlassian.Refreshes() != 1 {
		t.Fatalf("the keeper handed out the kept answer %t after %d refreshes, want it after the lost one only",
			tok.AccessToken == answer.AccessToken, w.Atlassian.Refreshes())
	}
	if tok := token(t, w.Source(t, "other")); tok.AccessToken != answer.AccessToken {
		t.Fatal("another host does not get the recovered token")
	}
}

// keepEarlierGrantsAnswer puts in src's journal what a refresher that
// died on an earlier grant of the same name left: an answer for the
// generation the grant in the store has reached again (a grant deleted
// and shared again counts anew), to a refresh that spent that earlier
// grant's refresh token.
func keepEarlierGrantsAnswer(t *testing.T, w *World, src *grantstore.Source) profile.Refreshed {
	t.Helper()
	snap, err := w.Store.Read(ctx(t), "conf")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	stale := profile.Refreshed{AccessToken: "earlier-grant-access", RefreshToken: "earlier-grant-refresh", TokenType: "Bearer",
		Expiry: at.Add(time.Hour), At: at}
	if err := src.Journal.Put(grantstore.Entry{Name: "conf", Generation: snap.Generation, Fence: 1,
		Spent: grantstore.TokenID("earlier-grant-spent-refresh"), Answer: stale}); err != nil {
		t.Fatal(err)
	}
	return stale
}

// The grant's own refresh token stays in the store, and a refresh goes
// through with it.
func earlierGrantsAnswerIsDropped(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	src := w.Source(t, "host")
	stale := keepEarlierGrantsAnswer(t, w, src)
	tok := token(t, src)
	if tok.AccessToken == stale.AccessToken || !Works(t, w.Atlassian, tok.AccessToken) || w.Atlassian.Refreshes() != 1 {
		t.Fatalf("with an earlier grant's answer in the journal: the stale token handed out %t, %d refreshes; want a working token from one refresh",
			tok.AccessToken == stale.AccessToken, w.Atlassian.Refreshes())
	}
	if _, kept, err := src.Journal.Get("conf"); kept || err != nil {
		t.Fatalf("the earlier grant's answer is still in the journal (%t, %v)", kept, err)
	}
	expire(t, w)
	if tok := token(t, w.Source(t, "later")); !Works(t, w.Atlassian, tok.AccessToken) {
		t.Fatal("the refresh after it failed: the store no longer holds the grant's refresh token")
	}
}

// recover refuses it, and the uncertain grant stays for its own answer
// or a new consent.
func earlierGrantsAnswerIsNotRecovered(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	lose(t, w, grantstore.EndUncertain, nil)
	src := w.Source(t, "host")
	keepEarlierGrantsAnswer(t, w, src)
	if _, err := src.Recover(ctx(t)); err == nil {
		t.Fatal("recover saved an earlier grant's answer")
	}
	if snap, err := w.Store.Read(ctx(t), "conf"); err != nil || snap.State != grantstore.Uncertain {
		t.Fatalf("after a refused recover the grant reads %q, %v; want it uncertain still", snap.State, err)
	}
	if _, kept, err := src.Journal.Get("conf"); kept || err != nil {
		t.Fatalf("the earlier grant's answer is still in the journal (%t, %v)", kept, err)
	}
}

func lostAnswerIsRetried(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, true)
	lose(t, w, grantstore.Unanswered, nil)
	tok := token(t, w.Source(t, "next"))
	if !Works(t, w.Atlassian, tok.AccessToken) {
		t.Fatal("the retry did not give a working token")
	}
	// The chain goes on from the retry: one more refresh works.
	expire(t, w)
	if tok := token(t, w.Source(t, "later")); !Works(t, w.Atlassian, tok.AccessToken) {
		t.Fatal("the refresh after the retry failed")
	}
}

func lostAnswerPastTheWindow(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, true)
	lose(t, w, grantstore.Unanswered, nil)
	src := w.Source(t, "late")
	src.Window = time.Nanosecond // the first attempt is older than that
	before := w.Atlassian.Refreshes()
	_, err := src.Token(ctx(t))
	if !errors.Is(err, grantstore.ErrUncertain) || !strings.Contains(err.Error(), "authwiz recover conf") {
		t.Fatalf("a lost refresh past the window = %v, want ErrUncertain naming authwiz recover", err)
	}
	if w.Atlassian.Refreshes() != before {
		t.Fatal("the refresh token was sent again past the window")
	}
	snap, err := w.Store.Read(ctx(t), "conf")
	if err != nil || snap.State != grantstore.Uncertain {
		t.Fatalf("the grant reads %q, %v; want uncertain", snap.State, err)
	}
	if _, err := w.Source(t, "other").Token(ctx(t)); !errors.Is(err, grantstore.ErrUncertain) {
		t.Fatalf("another host's token = %v, want ErrUncertain without a refresh", err)
	}
}

// A store whose writer points the token URL elsewhere sends nothing there:
// the refresh goes where this host's settings say.
func settingsComeFromThisHost(t *testing.T, open Seeded) {
	atl := atltest.Start(t)
	p, sec := Consented(t, atl, "conf", true)
	elsewhere := p
	elsewhere.TokenURL, elsewhere.ClientID = "http://127.0.0.1:1/steal", "someone-else"
	w := &World{Atlassian: atl, Store: open(t, elsewhere, sec), Settings: p, Secrets: sec}
	if tok := token(t, w.Source(t, "a")); !Works(t, atl, tok.AccessToken) || atl.Refreshes() != 1 {
		t.Fatal("the refresh did not go to this host's token URL")
	}
}

func skewedHostClock(t *testing.T, open Seeded) {
	w := NewWorld(t, open, false, false)
	for _, skew := range []time.Duration{-7 * time.Minute, 9 * time.Minute} {
		src := w.Source(t, "skewed")
		src.Now = func() time.Time { return time.Now().Add(skew) }
		if tok := token(t, src); tok.AccessToken != w.Secrets.AccessToken {
			t.Fatalf("a host clock %s off refreshed a valid token", skew)
		}
	}
	if n := w.Atlassian.Refreshes(); n != 0 {
		t.Fatalf("%d refreshes of a valid token", n)
	}
}

// A host that may only read never refreshes: it waits for a refresher
// host, and says so when none comes.
func consumerWaits(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	consumer := w.Source(t, "consumer")
	consumer.Consumer = true
	short, cancel := context.WithTimeout(ctx(t), 300*time.Millisecond)
	defer cancel()
	if _, err := consumer.Token(short); !errors.Is(err, grantstore.ErrConsumerOnly) || w.Atlassian.Refreshes() != 0 {
		t.Fatalf("a consumer alone = %v after %d refreshes, want ErrConsumerOnly and none", err, w.Atlassian.Refreshes())
	}
	got := make(chan grantstore.Token, 1)
	go func() {
		tok, err := consumer.Token(ctx(t))
		if err != nil {
			t.Error(err)
		}
		got <- tok
	}()
	time.Sleep(50 * time.Millisecond)
	if refreshed := token(t, w.Source(t, "refresher")); (<-got).AccessToken != refreshed.AccessToken {
		t.Fatal("the consumer did not get the refresher's token")
	}
}

// A token endpoint slower than the claim is given up on before the claim
// ends, and the attempt is kept for the next claim, which may retry it.
func refreshEndsInsideTheClaim(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	w.Atlassian.SetTokenDelay(5 * time.Second)
	src := w.Source(t, "slow")
	src.Claim = 2 * time.Second
	began := time.Now()
	_, err := src.Token(ctx(t))
	if err == nil || time.Since(began) >= src.Claim {
		t.Fatalf("a refresh slower than its claim ended after %s with %v, want an error within the claim's %s", time.Since(began), err, src.Claim)
	}
	next, err := w.Store.Claim(ctx(t), "conf", "next", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Store.Release(ctx(t), next, grantstore.NotSpent)
	if next.EarlierAttempt.IsZero() {
		t.Fatal("the unanswered attempt was not kept for the next claim")
	}
}

// A signal held while a refresh was under way is obeyed once the answer
// is saved: the token is not handed out, and the next host gets it
// without another refresh.
func heldSignalStops(t *testing.T, open Seeded) {
	w := NewWorld(t, open, true, false)
	src := w.Source(t, "stopped")
	src.HoldSignals = func() func() os.Signal { return func() os.Signal { return os.Interrupt } }
	if tok, err := src.Token(ctx(t)); err == nil || !strings.Contains(err.Error(), "stopped as asked") {
		t.Fatalf("a refresh during which Ctrl-C was held = %v (a token handed out: %t), want stopped as asked", err, tok.AccessToken != "")
	}
	if tok := token(t, w.Source(t, "next")); !Works(t, w.Atlassian, tok.AccessToken) || w.Atlassian.Refreshes() != 1 {
		t.Fatalf("the refresh under the held signal was not saved: %d refreshes", w.Atlassian.Refreshes())
	}
}

// expire makes the grant's access token due for a refresh, as an hour
// passing would.
func expire(t *testing.T, w *World) {
	t.Helper()
	c, err := w.Store.Claim(ctx(t), "conf", "clock", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	answer := profile.Refreshed{AccessToken: c.Grant.AccessToken, TokenType: "Bearer", Expiry: at.Add(-time.Minute), At: at}
	if _, err := w.Store.Commit(ctx(t), c, answer); err != nil {
		t.Fatal(err)
	}
}

func token(t *testing.T, src *grantstore.Source) grantstore.Token {
	t.Helper()
	tok, err := src.Token(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
