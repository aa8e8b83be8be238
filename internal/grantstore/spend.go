package grantstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authwiz/authwiz/internal/httpclient"
	"github.com/authwiz/authwiz/internal/oauthflow"
	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/sighold"
)

// underClaim refreshes the grant under c. done is false when the loop must
// read the grant again: the answer was fenced out by a host that took over.
func (s *Source) underClaim(ctx context.Context, c Claim) (tok Token, done bool, err error) {
	if s.fresh(c.Grant) {
		// Another host refreshed between our read and our claim.
		return s.handOut(c.Grant), true, s.release(ctx, c, NotSpent)
	}
	if answer, ok, err := s.journaled(c); err != nil {
		s.warn(err.Error())
	} else if ok {
		// This host's earlier refresh got its answer and could not save it.
		return s.commit(ctx, c, answer)
	}
	if !c.EarlierAttempt.IsZero() {
		if age := c.Now.Sub(c.EarlierAttempt); age >= s.window() {
			if err := s.release(ctx, c, EndUncertain); err != nil {
				return tok, true, err
			}
			return tok, true, s.unusable(Snapshot{State: Uncertain, StateSince: time.Now()})
		}
	}
	if c.Secrets.RefreshToken == "" {
		return tok, true, errors.Join(s.release(ctx, c, NotSpent),
			fmt.Errorf("the shared grant holds no refresh token: consent again with `%s`", ReshareCommand(s.Name)))
	}

	release := s.hold()
	tok, done, err = s.spend(ctx, c)
	// A signal held meanwhile asked this program to stop: it must not go
	// on to use the token as if nothing had been asked.
	if sig := release(); sig != nil && err == nil {
		return Token{}, true, fmt.Errorf("stopped as asked (%s), once the refresh under way had ended", sig)
	}
	return tok, done, err
}

// spend sends the refresh, keeps its answer in the journal and commits it:
// the section signals are held for.
func (s *Source) spend(ctx context.Context, c Claim) (Token, bool, error) {
	answer, err := s.send(ctx, c)
	if err != nil {
		return Token{}, true, errors.Join(s.release(ctx, c, s.endOf(c, err)), s.failed(c, err))
	}
	entry := Entry{Name: s.key(), Generation: c.Generation, Fence: c.Fence, Spent: TokenID(c.Secrets.RefreshToken), Answer: answer}
	if err := s.Journal.Put(entry); err != nil {
		// The store is the only copy left to save it in: commit anyway.
		s.warn(err.Error())
	}
	if s.afterJournal != nil {
		s.afterJournal()
	}
	return s.commit(ctx, c, answer)
}

// journaled is the answer this host's journal keeps to the refresh c
// would send, if it keeps one. An entry of c's generation that spent
// another refresh token answered a grant of the same name that is gone
// (deleted and shared again): saved, it would replace the grant's refresh
// token with a dead one, so it is dropped instead.
func (s *Source) journaled(c Claim) (answer profile.Refreshed, ok bool, err error) {
	e, ok, err := s.Journal.Get(s.key())
	switch {
	case err != nil || !ok || e.Generation != c.Generation:
		return answer, false, err
	case !e.follows(c.Secrets.RefreshToken):
		s.warn(fmt.Sprintf("this host's journal kept an answer for generation %d of %q that follows another refresh token than the grant holds now: "+
			"it answered an earlier grant of that name (deleted and shared again since), so it was dropped unused", e.Generation, s.key()))
		return answer, false, s.Journal.Drop(s.key())
	}
	return e.Answer, true, nil
}

// commit saves answer under c, and clears it from the journal once saved
// or superseded.
func (s *Source) commit(ctx context.Context, c Claim, answer profile.Refreshed) (Token, bool, error) {
	// The store counts the time left from its own clock's now: what is
	// left by this host's clock, which timed the answer, however long ago.
	answer.At = s.now()
	// The answer must reach the store even if the caller gave up meanwhile.
	snap, err := s.Store.Commit(context.WithoutCancel(ctx), c, answer)
	switch {
	case errors.Is(err, ErrFenced):
		s.warn(fmt.Sprintf("this host's refresh of %q (generation %d, claim %d) was superseded by a host that took over its claim; its answer was discarded unused",
			s.Name, c.Generation, c.Fence))
		if derr := s.Journal.Drop(s.key()); derr != nil {
			s.warn(derr.Error())
		}
		return Token{}, false, nil
	case err != nil:
		return Token{}, true, fmt.Errorf("the refreshed tokens reached this host but could not be saved to the shared store: %w; "+
			"they are kept, sealed, in this host's journal: once the store is back, run `%s` (or `%s`) here, "+
			"which saves them without spending anything (other hosts retry the refresh for %s, then see the grant as uncertain)",
			err, profile.Command("recover", s.Name), profile.Command("token", s.Name), s.window())
	}
	if err := s.Journal.Drop(s.key()); err != nil {
		s.warn(err.Error())
	}
	return s.handOut(snap), true, nil
}

func (s *Source) release(ctx context.Context, c Claim, end End) error {
	return s.Store.Release(context.WithoutCancel(ctx), c, end)
}

// send spends the claim's refresh token with this host's settings, with
// a deadline inside the claim: an answer must never come after the claim
// could have passed to another host.
func (s *Source) send(ctx context.Context, c Claim) (profile.Refreshed, error) {
	limit := min(s.timeout(), c.Remaining()-min(maxClaimSlack, c.Remaining()/4))
	if limit <= 0 {
		return profile.Refreshed{}, fmt.Errorf("the claim of %s leaves no time for a refresh: %w", c.Remaining(), context.DeadlineExceeded)
	}
	reqCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	defer cancel()
	client := s.HTTP
	if client == nil {
		client = httpclient.New(httpclient.Config{Overall: limit})
	}
	reqCtx = context.WithValue(httpclient.WithSetting(reqCtx, "the Token URL"), oauth2.HTTPClient, client)
	p := s.Settings
	style := oauth2.AuthStyleInParams
	if p.TokenAuthStyle == oauthflow.AuthStyleBasic {
		style = oauth2.AuthStyleInHeader
	}
	conf := oauth2.Config{ClientID: p.ClientID, ClientSecret: c.Secrets.ClientSecret,
		Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL, AuthStyle: style}}
	// The token's lifetime is counted from before the request: the
	// server's count starts later, so the saved expiry is never after its.
	at := s.now()
	tok, err := conf.TokenSource(reqCtx, &oauth2.Token{RefreshToken: c.Secrets.RefreshToken}).Token()
	if err != nil {
		return profile.Refreshed{}, err
	}
	expiry := oauthflow.Expiry(tok, at)
	if expiry.IsZero() {
		expiry = at.Add(oauthflow.UnknownLifetime)
	}
	scopes := c.Secrets.GrantedScopes
	if granted, _ := tok.Extra("scope").(string); strings.TrimSpace(granted) != "" {
		scopes = strings.Fields(granted)
	}
	return profile.Refreshed{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType,
		Expiry: expiry, GrantedScopes: scopes, At: at}, nil
}

// endOf is what a failed refresh means for the grant's next claim.
func (s *Source) endOf(c Claim, err error) End {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant" && !c.EarlierAttempt.IsZero():
		// The retry was refused: the lost answer rotated the token.
		return EndUncertain
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant":
		return EndRejected
	case errors.As(err, &re), httpclient.NotSent(err):
		return NotSpent
	}
	return Unanswered
}

func (s *Source) failed(c Claim, err error) error {
	switch s.endOf(c, err) {
	case EndUncertain:
		return s.unusable(Snapshot{State: Uncertain, StateSince: time.Now()})
	case EndRejected:
		return fmt.Errorf("%w: %w", ErrRejected, err)
	case Unanswered:
		return fmt.Errorf("the token endpoint gave no answer: %w; the refresh may have reached it: run `%s` again within %s and the claim's next holder retries it",
			err, profile.Command("token", s.Name), s.window())
	}
	return fmt.Errorf("refresh the shared grant: %w", err)
}

func (s *Source) hold() func() os.Signal {
	if s.HoldSignals != nil {
		return s.HoldSignals()
	}
	return sighold.Hold()
}
