package profile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile/profiletest"
)

// storeWithGrant saves the full profile, with a short lock timeout, in dir
// (a new directory when dir is empty).
func storeWithGrant(t *testing.T, dir string) (*Store, Profile, Secrets) {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "authwiz")
	}
	s, err := Open(dir, WithClock(func() time.Time { return fixedNow }), WithLockTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.TokensStale = false
	if err := s.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	return s, p, sec
}

func claimOf(t *testing.T, s *Store, name string) GrantClaim {
	t.Helper()
	c, err := s.ClaimGrant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Release)
	return c
}

func answer(n int) Refreshed {
	return Refreshed{AccessToken: fmt.Sprintf("access-%d", n), RefreshToken: fmt.Sprintf("refresh-%d", n), TokenType: "Bearer",
		Expiry: fixedNow.Add(time.Hour), GrantedScopes: []string{"read:confluence-user"}, At: fixedNow}
}

func TestClaimedRefreshIsSavedAndTheJournalCleared(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.ReadGrant(context.Background(), p.Name); g.Pending == nil || !g.Pending.Since.Equal(fixedNow) {
		t.Fatalf("while the refresh is in flight the journal says %+v", g.Pending)
	}
	saved, err := c.Commit(Outcome{Refreshed: new(answer(2))})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Secrets.RefreshToken != "refresh-2" || saved.Secrets.ClientSecret != "ATOAsecretvalue" {
		t.Errorf("Commit returned refresh %q", saved.Secrets.RefreshToken)
	}
	c.Release()
	g, err := s.ReadGrant(context.Background(), p.Name)
	if err != nil || g.Pending != nil || g.Secrets.AccessToken != "access-2" || !g.Secrets.AccessIssuedAt.Equal(fixedNow) {
		t.Fatalf("after the commit: pending %+v, access %q, %v", g.Pending, g.Secrets.AccessToken, err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), refreshDirName))
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("left in the refresh directory: %s", e.Name())
		}
	}
}

// The journal is what a killed process leaves: the next claim sees when
// the refresh was first sent, and a retry keeps that time.
// A save check (the command line keeps rehearsal credentials out of real
// profiles) judges settings being saved, never a refresh's answer.
func TestCommitIsNotRefusedBySaveChecks(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	WithCheck(func(Profile, Secrets) error { return errors.New("a rule added since") })(s)
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Commit(Outcome{Refreshed: new(answer(2))}); err != nil {
		t.Fatalf("a refresh refused by a save check: %v", err)
	}
}

// A profile whose secrets are in the keyring: the settings and the answer
// get reserved space, and the refresh is saved to the keyring.
func TestClaimOfAKeyringProfile(t *testing.T) {
	kr := newMemKeyring()
	s, err := Open(filepath.Join(t.TempDir(), "authwiz"), WithKeyring(kr), WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.SecretStorage = StorageKeyring
	if err := s.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Commit(Outcome{Refreshed: new(answer(2))}); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := s.Get(p.Name); got.RefreshToken != "refresh-2" || got.ClientSecret != sec.ClientSecret {
		t.Errorf("keyring holds refresh %q after the refresh", got.RefreshToken)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), secretsFileName)); !os.IsNotExist(err) {
		t.Errorf("a keyring profile's refresh wrote the secrets file: %v", err)
	}
	if _, err := s.ClaimGrant(context.Background(), "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("claiming a profile that does not exist: %v", err)
	}
}

func TestJournalOutlivesTheProcessThatWroteIt(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	c.Release() // as a kill would: no commit

	next := claimOf(t, s, p.Name)
	pending := next.Grant().Pending
	if pending == nil || !pending.Since.Equal(fixedNow) || pending.Answer != nil {
		t.Fatalf("the next claim finds %+v", pending)
	}
	if err := next.Begin(fixedNow.Add(5 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	next.Release()
	if g, _ := s.ReadGrant(context.Background(), p.Name); g.Pending == nil || !g.Pending.Since.Equal(fixedNow) {
		t.Errorf("a retry must keep the first attempt's time: %+v", g.Pending)
	}
}

// A journal entry about a refresh token replaced since (by a consent) means
// nothing any more.
func TestJournalOfReplacedTokensIsIgnored(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	c.Release()
	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error {
		sec.RefreshToken, sec.RefreshIssuedAt = "from-a-new-consent", fixedNow.Add(time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.ReadGrant(context.Background(), p.Name); g.Pending != nil {
		t.Errorf("journal of replaced tokens still counts: %+v", g.Pending)
	}
}

func TestRenameCarriesTheJournal(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	c.Release()
	if err := s.Rename(p.Name, "renamed"); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.ReadGrant(context.Background(), "renamed"); g.Pending == nil {
		t.Error("the renamed profile lost its journal")
	}
	if err := s.Delete("renamed"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.refreshRecords("renamed").journalPath()); !os.IsNotExist(err) {
		t.Errorf("a deleted profile's journal stays: %v", err)
	}
}

// The claimed grant is found by its refresh token when it was renamed
// during the refresh; a grant replaced during it is left alone.
func TestCommitFollowsTheGrant(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := s.Rename(p.Name, "renamed"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Commit(Outcome{Refreshed: new(answer(2))}); err != nil {
		t.Fatal(err)
	}
	if _, sec, _ := s.Get("renamed"); sec.RefreshToken != "refresh-2" {
		t.Errorf("the renamed profile has refresh %q", sec.RefreshToken)
	}

	c2 := claimOf(t, s, "renamed")
	if err := s.Update("renamed", func(_ *Profile, sec *Secrets) error { sec.RefreshToken = "consent"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Commit(Outcome{Refreshed: new(answer(3))}); !errors.Is(err, ErrSuperseded) {
		t.Fatalf("commit over a new consent: %v", err)
	}
	if _, sec, _ := s.Get("renamed"); sec.RefreshToken != "consent" {
		t.Errorf("the new consent's token was replaced by %q", sec.RefreshToken)
	}
}

// A save that fails after the server answered keeps the answer, and the
// next claim saves it.
func TestAnswerThatCannotBeSavedIsKept(t *testing.T) {
	s, p, _ := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	secrets := filepath.Join(s.Dir(), secretsFileName)
	good, _ := os.ReadFile(secrets)
	if err := os.WriteFile(secrets, []byte("schema_version = 1\n[secrets.\"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := c.Commit(Outcome{Refreshed: new(answer(2))})
	var ns *NotSavedError
	if !errors.As(err, &ns) || ns.KeptIn == "" || !strings.Contains(err.Error(), "cannot read "+secrets) {
		t.Fatalf("Commit error %v, want a NotSavedError naming the cause and where the answer is kept", err)
	}
	if kept, _ := os.ReadFile(ns.KeptIn); !strings.Contains(string(kept), "refresh-2") {
		t.Fatal("the kept answer lacks the new refresh token")
	}
	assertMode(t, ns.KeptIn, 0o600)
	c.Release()

	if err := os.WriteFile(secrets, good, 0o600); err != nil {
		t.Fatal(err)
	}
	next := claimOf(t, s, p.Name)
	pending := next.Grant().Pending
	if pending == nil || pending.Answer == nil || pending.Answer.RefreshToken != "refresh-2" {
		t.Fatalf("the next claim finds %+v", pending)
	}
	if _, err := next.Commit(Outcome{Refreshed: pending.Answer}); err != nil {
		t.Fatal(err)
	}
	if _, sec, _ := s.Get(p.Name); sec.RefreshToken != "refresh-2" {
		t.Errorf("after recovery refresh %q", sec.RefreshToken)
	}
	if _, err := os.Stat(ns.KeptIn); !os.IsNotExist(err) {
		t.Errorf("the kept answer must go once saved: %v", err)
	}
}

func TestFailureIsRemembered(t *testing.T) {
	s, p, sec := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if _, err := c.Commit(Outcome{Failure: RefreshRejected, FailedAt: fixedNow}); err != nil {
		t.Fatal(err)
	}
	c.Release()
	list, _ := s.List()
	if h, words := list[0].TokenState(fixedNow); h != NeedsConsent || words != "needs consent (refresh token rejected)" {
		t.Errorf("after a rejection: %v %q", h, words)
	}
	if _, got, _ := s.Get(p.Name); !got.Equal(sec) || got.RefreshFailure != RefreshRejected || !got.RefreshFailedAt.Equal(fixedNow) {
		t.Errorf("the rejected tokens must be kept, with the rejection: %q at %v", got.RefreshFailure, got.RefreshFailedAt)
	}
}

// One profile never blocks another, and reads never wait for a claim.
func TestClaimBlocksOnlyItsOwnProfile(t *testing.T) {
	s, p, sec := storeWithGrant(t, "")
	other := p
	other.Name = "other"
	if err := s.Create(other, sec); err != nil {
		t.Fatal(err)
	}
	claimOf(t, s, p.Name)
	if _, err := s.List(); err != nil {
		t.Errorf("List during a claim: %v", err)
	}
	if _, err := s.ReadGrant(context.Background(), p.Name); err != nil {
		t.Errorf("reading the claimed profile: %v", err)
	}
	if err := s.Update(p.Name, func(p *Profile, _ *Secrets) error { p.AppName = "changed"; return nil }); err != nil {
		t.Errorf("changing the claimed profile's settings: %v", err)
	}
	c := claimOf(t, s, "other")
	c.Release()

	_, err := s.ClaimGrant(context.Background(), p.Name)
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) {
		t.Fatalf("a second claim of the same profile: %v, want a BusyError", err)
	}
	msg := err.Error()
	for _, want := range []string{fmt.Sprintf("PID %d", os.Getpid()), filepath.Base(os.Args[0]), `"` + p.Name + `"`, "end that process if it is stuck"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.ClaimGrant(ctx, p.Name); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait: %v", err)
	}
}

// A read-only configuration directory (a container, a cron job) can be
// listed and read; a refresh is refused before anything is spent, saying
// where and why.
func TestReadOnlyDirectory(t *testing.T) {
	disk := profiletest.SmallDisk(t, "256k")
	s, p, sec := storeWithGrant(t, filepath.Join(disk, "authwiz"))
	profiletest.ReadOnly(t, disk)

	ro, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if list, err := ro.List(); err != nil || len(list) != 1 {
		t.Fatalf("List read-only: %v %v", list, err)
	}
	if _, got, err := ro.Get(p.Name); err != nil || !got.Equal(sec) {
		t.Fatalf("Get read-only: %v", err)
	}
	_, err = ro.ClaimGrant(context.Background(), p.Name)
	var cannot *CannotSaveError
	if !errors.As(err, &cannot) || cannot.Dir != s.Dir() || !errors.Is(err, syscall.EROFS) {
		t.Fatalf("claim on a read-only directory: %v", err)
	}
}

// A full disk is found when the refresh begins, before anything is spent;
// space found then is kept, so a disk that fills up during the request
// cannot stop the save.
func TestFullDisk(t *testing.T) {
	disk := profiletest.SmallDisk(t, "256k")
	s, p, sec := storeWithGrant(t, filepath.Join(disk, "authwiz"))

	free := profiletest.Fill(t, disk)
	c := claimOf(t, s, p.Name)
	err := c.Begin(fixedNow)
	var cannot *CannotSaveError
	if !errors.As(err, &cannot) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), s.Dir()) {
		t.Fatalf("Begin on a full disk: %v", err)
	}
	c.Release()
	if _, got, err := s.Get(p.Name); err != nil || !got.Equal(sec) {
		t.Fatalf("the saved grant after the refused refresh: %v", err)
	}
	free()

	c = claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	profiletest.Fill(t, disk)
	long := answer(2)
	long.AccessToken += strings.Repeat("a", len(sec.AccessToken)) // a longer token than before
	if _, err := c.Commit(Outcome{Refreshed: &long}); err != nil {
		t.Fatalf("commit on a disk filled during the request: %v", err)
	}
	if _, got, err := s.Get(p.Name); err != nil || got.RefreshToken != "refresh-2" || got.AccessToken != long.AccessToken {
		t.Fatalf("saved after the full-disk commit: %v", err)
	}
}
