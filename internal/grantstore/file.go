package grantstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// FileStore is the Store of one host's own profiles: profile.Store's
// per-profile lock is the claim, so a claim waits instead of failing and
// never expires while its process lives; the file store's refresh journal
// records attempts; the store's clock is this host's.
type FileStore struct {
	files *profile.Store
	mu    sync.Mutex
	fence int64
	held  map[int64]profile.GrantClaim
}

var _ Store = (*FileStore)(nil)

// File adapts a profile store.
func File(files *profile.Store) *FileStore {
	return &FileStore{files: files, held: map[int64]profile.GrantClaim{}}
}

// Read reads the grant without waiting for a claim.
func (f *FileStore) Read(ctx context.Context, name string) (Snapshot, error) {
	g, err := f.files.ReadGrant(ctx, name)
	if err != nil {
		return Snapshot{}, f.fail(err)
	}
	return snapshotOf(g, time.Now()), nil
}

// Claim waits for the profile's lock (as long as ctx allows), saves an
// answer an earlier claim kept but could not save, and proves the next
// answer can be saved before anything is spent (profile.GrantClaim.Begin).
// holder and ttl are not needed: the lock names its holder and lasts as
// long as its process.
func (f *FileStore) Claim(ctx context.Context, name, _ string, ttl time.Duration) (Claim, error) {
	gc, err := f.files.ClaimGrant(ctx, name)
	if err != nil {
		return Claim{}, f.fail(err)
	}
	g := gc.Grant()
	if g.Pending != nil && g.Pending.Answer != nil {
		if g, err = gc.Commit(profile.Outcome{Refreshed: g.Pending.Answer}); err != nil {
			gc.Release()
			return Claim{}, err
		}
	}
	now := time.Now()
	if err := gc.Begin(now); err != nil {
		gc.Release()
		return Claim{}, err
	}
	f.mu.Lock()
	f.fence++
	fence := f.fence
	f.held[fence] = gc
	f.mu.Unlock()
	snap := snapshotOf(g, now)
	snap.Holder = &Holder{Host: "this host", Fence: fence, Since: now, Until: now.Add(ttl)}
	c := Claim{Name: g.Profile.Name, Generation: snap.Generation, Fence: fence, Now: now, Until: now.Add(ttl),
		Grant: snap, Secrets: g.Secrets, Settings: g.Profile}
	if g.Pending != nil {
		c.EarlierAttempt = g.Pending.Since
	}
	return c, nil
}

// Commit saves answer through the claim; a claim already ended, or a
// grant replaced meanwhile, is ErrFenced.
func (f *FileStore) Commit(_ context.Context, c Claim, answer profile.Refreshed) (Snapshot, error) {
	gc := f.take(c.Fence)
	if gc == nil {
		return Snapshot{}, fmt.Errorf("profile %q, claim %d: %w", c.Name, c.Fence, ErrFenced)
	}
	defer gc.Release()
	g, err := gc.Commit(profile.Outcome{Refreshed: &answer})
	if errors.Is(err, profile.ErrSuperseded) {
		return Snapshot{}, fmt.Errorf("%w: %w", ErrFenced, err)
	}
	if err != nil {
		return Snapshot{}, err
	}
	return snapshotOf(g, time.Now()), nil
}

// Release records end in the profile's journal and gives up its lock.
func (f *FileStore) Release(_ context.Context, c Claim, end End) error {
	gc := f.take(c.Fence)
	if gc == nil {
		return nil
	}
	defer gc.Release()
	var o profile.Outcome
	switch end {
	case NotSpent:
		if !c.EarlierAttempt.IsZero() {
			// The journal speaks of an earlier attempt, which may have
			// spent the token: it stays for the next claim.
			return nil
		}
	case EndRejected:
		o = profile.Outcome{Failure: profile.RefreshRejected, FailedAt: time.Now()}
	case EndUncertain:
		o = profile.Outcome{Failure: profile.RefreshInterrupted, FailedAt: c.EarlierAttempt}
	default:
		// Unanswered: the journal entry Begin wrote stays.
		return nil
	}
	_, err := gc.Commit(o)
	return err
}

func (f *FileStore) take(fence int64) profile.GrantClaim {
	f.mu.Lock()
	defer f.mu.Unlock()
	gc := f.held[fence]
	delete(f.held, fence)
	return gc
}

func (f *FileStore) fail(err error) error {
	if errors.Is(err, profile.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func snapshotOf(g profile.Grant, now time.Time) Snapshot {
	sec := g.Secrets
	snap := Snapshot{
		Name: g.Profile.Name, Generation: generationOf(sec.RefreshToken),
		AccessToken: sec.AccessToken, TokenType: sec.TokenType, Issued: sec.AccessIssuedAt, Expiry: sec.Expiry,
		Now: now, State: Usable,
	}
	if g.Pending != nil {
		snap.AttemptSince = g.Pending.Since
	}
	switch sec.RefreshFailure {
	case profile.RefreshRejected:
		snap.State, snap.StateSince = Rejected, sec.RefreshFailedAt
	case profile.RefreshInterrupted:
		snap.State, snap.StateSince = Uncertain, sec.RefreshFailedAt
	}
	return snap
}

// generationOf names a refresh token without revealing it: the file store
// keeps no counter, and a token is spent once, so it is its own generation.
func generationOf(refreshToken string) int64 {
	if refreshToken == "" {
		return 0
	}
	sum := sha256.Sum256([]byte(refreshToken))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 1)
}
