package oauthflow_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/profile/profiletest"
	"github.com/authwiz/authwiz/internal/testkit"
)

// interceptStore is the profile store with two ways for a test to step in:
// another "process" may act just before the claim is taken, and saving a
// refresh may be made to fail.
type interceptStore struct {
	*profile.Store
	beforeClaim func()
	commitErr   error
}

func (s *interceptStore) ClaimGrant(ctx context.Context, name string) (profile.GrantClaim, error) {
	if s.beforeClaim != nil {
		s.beforeClaim()
	}
	c, err := s.Store.ClaimGrant(ctx, name)
	if err != nil || s.commitErr == nil {
		return c, err
	}
	return failingCommit{GrantClaim: c, err: s.commitErr}, nil
}

type failingCommit struct {
	profile.GrantClaim
	err error
}

func (c failingCommit) Commit(o profile.Outcome) (profile.Grant, error) {
	if o.Refreshed != nil {
		return profile.Grant{}, c.err
	}
	return c.GrantClaim.Commit(o)
}

// savedIsCurrent reports whether the store holds the one refresh token
// the server accepts, and the access token handed out (when tok is set).
func savedIsCurrent(t *testing.T, w *world, store *profile.Store, tok *oauth2.Token) bool {
	t.Helper()
	saved, current := savedSecrets(t, store), w.fake.CurrentRefreshTokens()
	return len(current) == 1 && saved.RefreshToken == current[0] && (tok == nil || saved.AccessToken == tok.AccessToken)
}

// Another process refreshes between this one's read and its claim. The
// strict server refuses the rotated token, so only a refresher that reads
// the grant again under the claim gets a token, the one just saved.
func TestRefresherReadsAgainUnderTheClaim(t *testing.T) {
	w := newWorld(t)
	store, _ := w.consentedStore(t)
	var once sync.Once
	is := &interceptStore{Store: store, beforeClaim: func() {
		once.Do(func() {
			if _, err := (&oauthflow.StoredTokenSource{Store: store, Profile: "conf"}).Token(); err != nil {
				t.Errorf("the other process: %v", err)
			}
		})
	}}
	tok, err := (&oauthflow.StoredTokenSource{Store: is, Profile: "conf"}).Token()
	if err != nil {
		t.Fatalf("the refresher used what it read before the claim: %v", err)
	}
	if saved := savedSecrets(t, store); tok.AccessToken != saved.AccessToken {
		t.Error("the token handed out is not the one saved")
	}
	if n := w.fake.Refreshes(); n != 1 {
		t.Errorf("%d refreshes, want the other process's only", n)
	}
}

// The server rotated, the save failed: no token is handed out as if all
// were well, and the error names the cause.
func TestSaveFailureAfterRotationHandsOutNothing(t *testing.T) {
	w := newWorld(t)
	store, _ := w.consentedStore(t)
	is := &interceptStore{Store: store, commitErr: errors.New("no space left on device (injected)")}
	tok, err := (&oauthflow.StoredTokenSource{Store: is, Profile: "conf"}).Token()
	if tok != nil || err == nil || !strings.Contains(err.Error(), "no space left on device (injected)") {
		t.Fatalf("Token = %v, %v; want no token and the cause", tok, err)
	}
	if n := w.fake.Refreshes(); n != 1 {
		t.Fatalf("%d refreshes: the failure must come after the rotation", n)
	}
}

// The answer that could not be saved is kept, and the next call saves it
// without spending anything again.
func TestAnswerThatCouldNotBeSavedIsRecovered(t *testing.T) {
	w := newWorld(t)
	store, _ := w.consentedStore(t)
	secrets := filepath.Join(store.Dir(), "secrets.toml")
	good, err := os.ReadFile(secrets)
	if err != nil {
		t.Fatal(err)
	}
	w.fake.HoldRefreshAnswers(func(context.Context) {
		// A hand edit gone wrong while the request was out.
		if err := os.WriteFile(secrets, []byte("schema_version = 1\n[secrets.\"conf\"\n"), 0o600); err != nil {
			t.Error(err)
		}
	})
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf"}
	_, err = src.Token()
	if !errors.Is(err, oauthflow.ErrNotSaved) || !strings.Contains(err.Error(), "cannot read "+secrets) ||
		!strings.Contains(err.Error(), "kept in "+filepath.Join(store.Dir(), "refresh")) || !strings.Contains(err.Error(), "`authwiz token conf`") {
		t.Fatalf("error = %v, want ErrNotSaved naming the cause, where the tokens are kept and what to run", err)
	}
	w.fake.HoldRefreshAnswers(nil)
	if err := os.WriteFile(secrets, good, 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if !savedIsCurrent(t, w, store, tok) {
		t.Error("the kept answer was not saved")
	}
	if n := w.fake.Refreshes(); n != 1 {
		t.Errorf("%d refreshes; the kept answer needs none", n)
	}
}

// Ctrl-C after the request went out does not lose the rotated answer: it
// is saved, then the call reports that it stopped.
func TestCancelAfterSendingSavesTheAnswerFirst(t *testing.T) {
	w := newWorld(t)
	store, _ := w.consentedStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.fake.HoldRefreshAnswers(func(context.Context) { cancel() })
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf"}
	if _, err := src.TokenContext(ctx); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "after saving") {
		t.Fatalf("error = %v, want a cancellation after saving", err)
	}
	w.fake.HoldRefreshAnswers(nil)
	if !savedIsCurrent(t, w, store, nil) {
		t.Fatal("the rotated refresh token was not saved")
	}
	if _, err := src.Token(); err != nil || w.fake.Refreshes() != 1 {
		t.Errorf("next call: %v after %d refreshes", err, w.fake.Refreshes())
	}
}

// moveStore copies a consented store's files to dir and opens them there.
func moveStore(t *testing.T, store *profile.Store, dir string) *profile.Store {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"profiles.toml", "secrets.toml"} {
		data, err := os.ReadFile(filepath.Join(store.Dir(), name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := profile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return moved
}

// A read-only configuration directory (a container, a cron job): the
// refresh is refused before the refresh token is spent, saying where and
// why; listing works; a valid token is handed out.
func TestReadOnlyDirectoryKeepsTheGrant(t *testing.T) {
	w := newWorld(t)
	consented, _ := w.consentedStore(t)
	disk := profiletest.SmallDisk(t, "256k")
	store := moveStore(t, consented, filepath.Join(disk, "authwiz"))
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf"}

	profiletest.ReadOnly(t, disk)
	_, err := src.Token()
	if !errors.Is(err, oauthflow.ErrCannotSave) || !strings.Contains(err.Error(), "read-only file system") ||
		!strings.Contains(err.Error(), "Make "+store.Dir()+" writable") {
		t.Fatalf("error = %v, want ErrCannotSave naming the directory and the cause", err)
	}
	if n := w.fake.Refreshes(); n != 0 {
		t.Fatalf("%d refreshes: nothing may be spent that cannot be saved", n)
	}
	if list, err := store.List(); err != nil || len(list) != 1 {
		t.Errorf("List read-only: %v", err)
	}

	profiletest.Writable(t, disk)
	fresh, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	profiletest.ReadOnly(t, disk)
	if tok, err := src.Token(); err != nil || tok.AccessToken != fresh.AccessToken {
		t.Errorf("a valid token on a read-only directory: %v", err)
	}
}

// A profile never consented, on a read-only directory: the answer is that
// there is nothing to refresh with, not a complaint about the disk.
func TestNoConsentOnAReadOnlyDirectorySaysNoConsent(t *testing.T) {
	disk := profiletest.SmallDisk(t, "256k")
	store, err := profile.Open(filepath.Join(disk, "authwiz"))
	if err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "fresh", ClientID: "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", AuthURL: "https://auth.atlassian.com/authorize",
		TokenURL: "https://auth.atlassian.com/oauth/token", RedirectURL: "http://localhost:47613/callback", Scopes: []string{"read:me", "offline_access"}}
	if err := store.Create(p, profile.Secrets{ClientSecret: "s3cret-s3cret"}); err != nil {
		t.Fatal(err)
	}
	profiletest.ReadOnly(t, disk)
	_, err = (&oauthflow.StoredTokenSource{Store: store, Profile: "fresh"}).Token()
	if !errors.Is(err, oauthflow.ErrNoTokens) || !strings.Contains(err.Error(), "no consent has been given yet") {
		t.Fatalf("error = %v, want: no consent has been given yet", err)
	}
}

// A full disk: refused before spending; and a disk that fills up while the
// request is out cannot stop the save.
func TestFullDiskKeepsTheGrant(t *testing.T) {
	w := newWorld(t)
	consented, _ := w.consentedStore(t)
	disk := profiletest.SmallDisk(t, "256k")
	store := moveStore(t, consented, filepath.Join(disk, "authwiz"))
	src := &oauthflow.StoredTokenSource{Store: store, Profile: "conf"}

	free := profiletest.Fill(t, disk)
	if _, err := src.Token(); !errors.Is(err, oauthflow.ErrCannotSave) || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("error = %v, want ErrCannotSave naming the cause", err)
	}
	if n := w.fake.Refreshes(); n != 0 {
		t.Fatalf("%d refreshes on a full disk", n)
	}
	free()

	w.fake.HoldRefreshAnswers(func(context.Context) { profiletest.Fill(t, disk) })
	tok, err := src.Token()
	if err != nil {
		t.Fatalf("a disk filled during the request: %v", err)
	}
	if !savedIsCurrent(t, w, store, tok) {
		t.Error("the rotated tokens were not saved")
	}
}

// A token endpoint that accepts the request and never answers: the refresh
// ends within its timeout with a clear error, and meanwhile reads and a
// refresh of another profile answer at once.
func TestSilentTokenEndpointBlocksOnlyItsProfile(t *testing.T) {
	silent, arrived := testkit.SilentServer(t)
	te := newTokenEndpoint(t, 200, `{"access_token":"other-fresh","refresh_token":"o2","expires_in":3600}`)

	expired := profile.Secrets{ClientSecret: "s", AccessToken: "old", RefreshToken: "r1", Expiry: clock.Add(-time.Minute)}
	store := storeWith(t, silent.URL+"/oauth/token", expired)
	p, _, _ := store.Get("conf")
	p.Name, p.TokenURL = "other", te.URL
	if err := store.Create(p, expired); err != nil {
		t.Fatal(err)
	}

	const timeout = 2 * time.Second
	done := make(chan error, 1)
	go func() {
		_, err := (&oauthflow.StoredTokenSource{Store: store, Profile: "conf", Now: func() time.Time { return clock }, Timeout: timeout}).Token()
		done <- err
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the refresh request never arrived")
	}
	if list, err := store.List(); err != nil || len(list) != 2 {
		t.Errorf("List during the silent refresh: %v", err)
	}
	if tok, err := (&oauthflow.StoredTokenSource{Store: store, Profile: "other", Now: func() time.Time { return clock }}).Token(); err != nil || tok.AccessToken != "other-fresh" {
		t.Errorf("the other profile's refresh: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("the silent refresh ended before the others were done: they waited for it, or the machine is too slow for this test (%v)", err)
	default:
	}

	var err error
	select {
	case err = <-done:
	case <-time.After(timeout + 20*time.Second):
		t.Fatal("the silent refresh did not end after its timeout")
	}
	host := strings.TrimPrefix(silent.URL, "http://")
	for _, want := range []string{host + "/oauth/token did not answer within 2 seconds", "proxy", "`authwiz token conf` again before"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !errors.Is(err, oauthflow.ErrNetwork) {
		t.Errorf("error kind: %v", err)
	}
	// The request may have reached the server: the journal keeps it for
	// the next call to retry in time.
	if g, _ := store.ReadGrant(context.Background(), "conf"); g.Pending == nil {
		t.Error("no journal entry kept for an unanswered refresh")
	}
}

// A refresh lost while the old access token still had a while to run is
// retried by the next call at once, not when that token runs out: by then
// Atlassian's reuse interval may be over.
func TestLostRefreshIsRetriedAtOnce(t *testing.T) {
	w := newWorld(t)
	w.fake.SetRefreshReuseLeeway(oauthflow.ReuseInterval)
	store, first := w.consentedStore(t)
	if err := store.Update("conf", func(_ *profile.Profile, sec *profile.Secrets) error {
		sec.Expiry = time.Now().Add(time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A process claims, writes the journal, spends the token and dies.
	claim, err := store.ClaimGrant(context.Background(), "conf")
	if err != nil {
		t.Fatal(err)
	}
	if err := claim.Begin(time.Now()); err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: w.cfg.ClientID, ClientSecret: w.cfg.ClientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: w.cfg.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	if _, err := conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: first.RefreshToken}).Token(); err != nil {
		t.Fatal(err)
	}
	claim.Release()

	tok, err := (&oauthflow.StoredTokenSource{Store: store, Profile: "conf"}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if n := w.fake.Refreshes(); n != 2 || !savedIsCurrent(t, w, store, tok) {
		t.Errorf("%d refreshes; the lost one must be retried and its tokens saved", n)
	}
}
