package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/testkit"
)

// postJSON sends body to the token endpoint as JSON, as Atlassian's
// documentation shows it.
func (w *world) postJSON(t *testing.T, body string) tokenAnswer {
	t.Helper()
	resp, err := http.Post(w.ts.URL+"/oauth/token", "application/json", strings.NewReader(body))
	return readTokenAnswer(t, resp, err)
}

func TestTokenEndpointTakesJSON(t *testing.T) {
	w := newWorld(t)
	code := w.consent(t, "read:confluence-user offline_access", true).Get("code")
	body := func(secret string) string {
		b, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "client_id": SampleClientID,
			"client_secret": secret, "code": code, "redirect_uri": redirect})
		return string(b)
	}
	if a := w.postJSON(t, body("wrong")); a.Status != 401 || a.Error != "access_denied" {
		t.Errorf("wrong secret in JSON: %+v", a)
	}
	if a := w.postJSON(t, body(SampleClientSecret)); a.Status != 200 || a.AccessToken == "" || a.RefreshToken == "" {
		t.Errorf("JSON exchange: %+v", a)
	}
	if a := w.postJSON(t, `{"grant_type":`); a.Status != 400 || a.Error != "invalid_request" {
		t.Errorf("broken JSON: %+v", a)
	}
}

func TestOversizedTokenRequestIsRefused(t *testing.T) {
	w := newWorld(t)
	a := w.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {strings.Repeat("c", maxTokenRequest)}})
	if a.Status != 400 || a.Error != "invalid_request" {
		t.Errorf("got %+v", a)
	}
}

func TestCodeWorksOnlyForItsApp(t *testing.T) {
	other := App{ClientID: "OtherAppClientId0000000000000000", ClientSecret: "other-secret", Name: "Other",
		CallbackURLs: []string{redirect}, Scopes: []string{"read:confluence-user"}}
	w := newWorldWith(t, func(cfg *Config) { cfg.Apps = append(cfg.Apps, other) })
	code := w.consent(t, "read:confluence-user", true).Get("code")
	a := w.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"client_id": {other.ClientID}, "client_secret": {other.ClientSecret}})
	if a.Status != 403 || a.Error != "invalid_grant" {
		t.Errorf("another app's code: %+v", a)
	}
	if a := w.exchange(t, code); a.Status != 200 {
		t.Errorf("the refused attempt must not use up the code: %+v", a)
	}
}

func TestRefreshTokenLapsesUnused(t *testing.T) {
	w := newWorld(t)
	first := w.offlineGrant(t)
	w.advance(89 * 24 * time.Hour)
	second := w.refreshWith(t, first.RefreshToken)
	if second.Status != 200 {
		t.Fatalf("a refresh token used within 90 days works: %+v", second)
	}
	w.advance(89 * 24 * time.Hour)
	if a := w.refreshWith(t, second.RefreshToken); a.Status != 200 {
		t.Errorf("each refresh starts the 90 days again: %+v", a)
	}
	third := w.srv.CurrentRefreshTokens()[0]
	w.advance(90 * 24 * time.Hour)
	if a := w.refreshWith(t, third); a.Status != 403 || a.Description != "Unknown or invalid refresh token." {
		t.Errorf("a refresh token unused for 90 days lapses: %+v", a)
	}
}

func TestTokenDelay(t *testing.T) {
	w := newWorld(t)
	const delay = 150 * time.Millisecond
	w.srv.SetTokenDelay(delay)
	start := time.Now()
	if a := w.refreshWith(t, "made-up"); a.Status != 403 {
		t.Errorf("a slow answer is still the right one: %+v", a)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("answered after %s, want at least %s", took, delay)
	}

	// A client that gives up is not kept waiting for the delay.
	w.srv.SetTokenDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.ts.URL+"/oauth/token", strings.NewReader("grant_type=refresh_token"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v", err)
	}
}

func TestForcedFailuresComeInOrder(t *testing.T) {
	w := newWorld(t)
	w.srv.FailNextTokenRequests(500, 502)
	for _, want := range []int{500, 502, 403} {
		if a := w.refreshWith(t, "made-up"); a.Status != want {
			t.Errorf("got %d, want %d", a.Status, want)
		}
	}
}

// TestManyConsentsAtOnce runs whole lives of a token side by side through
// a real listener: consent, exchange, refreshes. None may see another's
// token, and the server must end knowing exactly one current refresh token
// for each.
func TestManyConsentsAtOnce(t *testing.T) {
	w := newWorld(t)
	w.srv.SetTokenDelay(2 * time.Millisecond)
	const flows, refreshes = 12, 3
	var (
		mu    sync.Mutex
		final []string
		seen  = map[string]bool{}
	)
	var wg sync.WaitGroup
	for range flows {
		wg.Go(func() {
			resp, err := FollowConsent(context.Background(), testkit.NoRedirects(), w.authURL("read:confluence-user offline_access", "s"), true)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			a := w.exchange(t, loc.Query().Get("code"))
			tokens := []string{a.AccessToken, a.RefreshToken}
			for range refreshes {
				a = w.refreshWith(t, a.RefreshToken)
				if a.Status != 200 {
					t.Errorf("refresh: %+v", a)
					return
				}
				tokens = append(tokens, a.AccessToken, a.RefreshToken)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, tok := range tokens {
				if seen[tok] {
					t.Errorf("token %s handed out twice", tok)
				}
				seen[tok] = true
			}
			final = append(final, a.RefreshToken)
		})
	}
	wg.Wait()
	current := w.srv.CurrentRefreshTokens()
	slices.Sort(current)
	slices.Sort(final)
	if !slices.Equal(current, final) {
		t.Errorf("current refresh tokens %v, want the last of each flow %v", current, final)
	}
	if n := w.srv.Refreshes(); n != flows*refreshes {
		t.Errorf("refreshes counted %d, want %d", n, flows*refreshes)
	}
}

// offlineGrant is a consent for read:confluence-user and offline_access,
// accepted, and its code exchanged.
func (w *world) offlineGrant(t *testing.T) tokenAnswer {
	t.Helper()
	return w.exchange(t, w.consent(t, "read:confluence-user offline_access", true).Get("code"))
}

// newReuseWorld is a server with Atlassian's reuse interval, and a fresh
// grant's first answer.
func newReuseWorld(t *testing.T) (*world, tokenAnswer) {
	t.Helper()
	w := newWorld(t)
	w.srv.SetRefreshReuseLeeway(AtlassianReuseInterval)
	return w, w.offlineGrant(t)
}

func (w *world) worksWithAPI(t *testing.T, access string) bool {
	t.Helper()
	var answer any
	return w.getJSON(t, "/oauth/token/accessible-resources", "Bearer "+access, &answer) == http.StatusOK
}

// A client whose answer to a rotation was lost tries the token it still
// has: within the interval that works, once, and the lost answer's
// tokens are retired.
func TestPreviousRefreshTokenWorksWithinTheReuseInterval(t *testing.T) {
	w, first := newReuseWorld(t)
	lost := w.refreshWith(t, first.RefreshToken)
	w.advance(5 * time.Minute)
	retry := w.refreshWith(t, first.RefreshToken)
	if retry.Status != 200 || retry.RefreshToken == lost.RefreshToken {
		t.Fatalf("retry within the interval: %+v", retry)
	}
	if cur := w.srv.CurrentRefreshTokens(); len(cur) != 1 || cur[0] != retry.RefreshToken {
		t.Errorf("current refresh tokens %v, want only the retry's", cur)
	}
	if a := w.refreshWith(t, retry.RefreshToken); a.Status != 200 {
		t.Errorf("the chain goes on from the retry: %+v", a)
	}
}

func TestLateReuseIsRefusedAndRevokesTheGrant(t *testing.T) {
	w, first := newReuseWorld(t)
	second := w.refreshWith(t, first.RefreshToken)
	w.advance(AtlassianReuseInterval)
	if a := w.refreshWith(t, first.RefreshToken); a.Status != 403 || a.Error != "invalid_grant" {
		t.Fatalf("reuse after the interval: %+v", a)
	}
	if a := w.refreshWith(t, second.RefreshToken); a.Status != 403 {
		t.Errorf("the grant's current refresh token must be revoked too: %+v", a)
	}
	if w.worksWithAPI(t, second.AccessToken) {
		t.Error("the grant's access token must be revoked too")
	}
	if cur := w.srv.CurrentRefreshTokens(); len(cur) != 0 {
		t.Errorf("current refresh tokens after revocation: %v", cur)
	}
}

// Strict mode (the default) refuses every reuse and leaves the rest alone,
// so a test sees exactly the one refusal.
func TestStrictModeRefusesAnyReuse(t *testing.T) {
	w := newWorld(t)
	first := w.offlineGrant(t)
	second := w.refreshWith(t, first.RefreshToken)
	if a := w.refreshWith(t, first.RefreshToken); a.Status != 403 {
		t.Fatalf("immediate reuse in strict mode: %+v", a)
	}
	if a := w.refreshWith(t, second.RefreshToken); a.Status != 200 {
		t.Errorf("strict mode does not revoke: %+v", a)
	}
}

func TestGrantEndsAfter365DaysHoweverOftenUsed(t *testing.T) {
	w := newWorld(t)
	a := w.offlineGrant(t)
	for day := 80; day < 365; day += 80 {
		w.advance(80 * 24 * time.Hour)
		if a = w.refreshWith(t, a.RefreshToken); a.Status != 200 {
			t.Fatalf("refresh on day %d: %+v", day, a)
		}
	}
	w.advance(50 * 24 * time.Hour) // day 370, 50 days after the last use
	if a := w.refreshWith(t, a.RefreshToken); a.Status != 403 || a.Description != "Unknown or invalid refresh token." {
		t.Errorf("refresh after 365 days: %+v", a)
	}
}

// HoldRefreshAnswers lets a test act after the rotation and before the
// client has its answer: the moment a lost answer loses a grant.
func TestHoldRefreshAnswers(t *testing.T) {
	w := newWorld(t)
	first := w.offlineGrant(t)
	rotated := make(chan []string, 1)
	w.srv.HoldRefreshAnswers(func(context.Context) { rotated <- w.srv.CurrentRefreshTokens() })
	a := w.refreshWith(t, first.RefreshToken)
	select {
	case cur := <-rotated:
		if len(cur) != 1 || cur[0] != a.RefreshToken {
			t.Errorf("while held, current tokens %v; want the rotated one", cur)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hold was never called")
	}
	w.srv.HoldRefreshAnswers(nil)
	if a := w.refreshWith(t, a.RefreshToken); a.Status != 200 {
		t.Errorf("after holding stops: %+v", a)
	}
}

// Atlassian stops an access token ten minutes after a refresh issued a
// newer one: the API answers 401 from then on, while the newer one works.
func TestSupersededAccessTokenStopsTenMinutesAfterARefresh(t *testing.T) {
	w := newWorld(t)
	first := w.offlineGrant(t)
	w.advance(time.Minute)
	second := w.refreshWith(t, first.RefreshToken)
	w.advance(AtlassianReuseInterval - time.Second)
	if !w.worksWithAPI(t, first.AccessToken) {
		t.Error("the superseded access token stopped before ten minutes")
	}
	w.advance(time.Second)
	if w.worksWithAPI(t, first.AccessToken) {
		t.Error("the superseded access token still works ten minutes after the refresh")
	}
	if !w.worksWithAPI(t, second.AccessToken) {
		t.Error("the newer access token stopped with the old one")
	}
	// A retry of a lost rotation supersedes too.
	w.srv.SetRefreshReuseLeeway(AtlassianReuseInterval)
	third := w.refreshWith(t, second.RefreshToken)
	retry := w.refreshWith(t, second.RefreshToken)
	w.advance(AtlassianReuseInterval)
	if w.worksWithAPI(t, third.AccessToken) || !w.worksWithAPI(t, retry.AccessToken) {
		t.Error("after a retried rotation only the retry's access token works ten minutes on")
	}
}

// Only the refresh token the last rotation replaced may be used again: one
// from two rotations back is refused at once, within the interval too, and
// ends the grant.
func TestOnlyTheImmediatelyPreviousRefreshTokenIsReusable(t *testing.T) {
	w, first := newReuseWorld(t)
	second := w.refreshWith(t, first.RefreshToken)
	third := w.refreshWith(t, second.RefreshToken)
	w.advance(time.Minute)
	if a := w.refreshWith(t, first.RefreshToken); a.Status != 403 {
		t.Fatalf("a refresh token two rotations back: %+v", a)
	}
	if a := w.refreshWith(t, third.RefreshToken); a.Status != 403 {
		t.Errorf("the grant survived the reuse of an old refresh token: %+v", a)
	}
	if w.worksWithAPI(t, third.AccessToken) {
		t.Error("the grant's access token survived the reuse of an old refresh token")
	}
}

// Once the previous refresh token was used again within the interval,
// the token the lost answer held is no longer the grant's: a client that
// got it after all and uses it is reusing a replaced token, which ends
// the grant. A shared grant store must never use a fenced-out answer.
func TestTheLostAnswersRefreshTokenDiesWithTheRetry(t *testing.T) {
	w, first := newReuseWorld(t)
	lost := w.refreshWith(t, first.RefreshToken)
	retry := w.refreshWith(t, first.RefreshToken)
	if retry.Status != 200 {
		t.Fatalf("retry within the interval: %+v", retry)
	}
	if a := w.refreshWith(t, lost.RefreshToken); a.Status != 403 || a.Error != "invalid_grant" {
		t.Fatalf("the lost answer's refresh token after the retry: %+v", a)
	}
	if a := w.refreshWith(t, retry.RefreshToken); a.Status != 403 {
		t.Errorf("the grant survived the use of a replaced refresh token: %+v", a)
	}
}

// Reuses counts every refresh with a replaced token, refused or let
// through by the interval, and no ordinary rotation: what a test of
// clients sharing one grant asserts is zero.
func TestReusesAreCounted(t *testing.T) {
	w := newWorld(t)
	first := w.offlineGrant(t)
	second := w.refreshWith(t, first.RefreshToken)
	third := w.refreshWith(t, second.RefreshToken)
	if n := w.srv.Reuses(); n != 0 {
		t.Fatalf("rotations alone counted %d reuses", n)
	}
	w.refreshWith(t, second.RefreshToken) // strict: refused
	w.srv.SetRefreshReuseLeeway(AtlassianReuseInterval)
	w.refreshWith(t, third.RefreshToken)
	if a := w.refreshWith(t, third.RefreshToken); a.Status != 200 { // within the interval
		t.Fatalf("reuse within the interval: %+v", a)
	}
	if n, refreshes := w.srv.Reuses(), w.srv.Refreshes(); n != 2 || refreshes != 4 {
		t.Errorf("%d reuses and %d refreshes, want 2 and 4", n, refreshes)
	}
}
