package grantstore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/authwiz/authwiz/internal/seal"
)

// Cache is this host's copy of shared grants' access tokens, served only
// while the store cannot be reached. Its times are this host's clock, set
// from the store's time left when the token was read, so a host clock that
// is off by minutes shifts nothing. The file's modification time is when
// the store last confirmed the token as current: a token is served only
// while that is recent, so a cached token another host superseded long ago
// is never handed out. Like the journal, a cache holds the grants of one
// store: another store's grant of the same name is another token.
type Cache struct {
	dir   string
	store string
	id    seal.Identity
}

// CacheDirName is the cache's directory in the config directory.
const CacheDirName = "shared-cache"

// OpenCache is the cache, in configDir, of the grants in the store called
// store (as OpenJournal), sealed to this host's key.
func OpenCache(configDir, store string, id seal.Identity) *Cache {
	return &Cache{dir: filepath.Join(configDir, CacheDirName), store: store, id: id}
}

type cachedToken struct {
	Generation  int64     `json:"generation"`
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	Expiry      time.Time `json:"expiry"`
	Margin      float64   `json:"margin_seconds"`
}

// put records snap as confirmed current at now. A generation already
// cached is only touched, which costs a token call next to nothing.
func (c *Cache) put(snap Snapshot, margin time.Duration, now time.Time) error {
	path := c.path(snap.Name, snap.Generation)
	if os.Chtimes(path, now, now) == nil {
		return nil
	}
	data, err := json.Marshal(cachedToken{Generation: snap.Generation, AccessToken: snap.AccessToken, TokenType: snap.TokenType,
		Expiry: now.Add(snap.TimeLeft()), Margin: margin.Seconds()})
	if err != nil {
		return err
	}
	sealed, err := seal.Seal(data, []string{c.id.Recipient()})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("cache the access token: %w", err)
	}
	if err := seal.WriteScratch(path, sealed); err != nil {
		return fmt.Errorf("cache the access token: %w", err)
	}
	if err := os.Chtimes(path, now, now); err != nil {
		return fmt.Errorf("cache the access token: %w", err)
	}
	for _, old := range c.generations(snap.Name) {
		if old != path {
			os.Remove(old)
		}
	}
	return nil
}

// get is the cached token of name and when the store last confirmed it;
// ok is false when there is none that can be read.
func (c *Cache) get(name string) (tok cachedToken, confirmed time.Time, ok bool) {
	for _, path := range c.generations(name) {
		info, err := os.Stat(path)
		if err != nil || !info.ModTime().After(confirmed) {
			continue
		}
		sealed, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var t cachedToken
		if data, err := c.id.Open(sealed); err != nil || json.Unmarshal(data, &t) != nil {
			continue
		}
		tok, confirmed, ok = t, info.ModTime(), true
	}
	return tok, confirmed, ok
}

// Drop forgets every copy of name's token, for a grant that no longer
// lives in the store this host reads; those cached under the name alone,
// before caches were kept per store, go too.
func (c *Cache) Drop(name string) error {
	old, _ := filepath.Glob(filepath.Join(c.dir, fileKey(name)+".*.age"))
	for _, path := range append(c.generations(name), old...) {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("forget this host's copy of the access token of %q: %w", name, err)
		}
	}
	return nil
}

// generations are the cache files of name: one, but for a moment while a
// newer generation replaces the last.
func (c *Cache) generations(name string) []string {
	paths, _ := filepath.Glob(filepath.Join(c.dir, fileKey(c.store, name)+".*.age"))
	return paths
}

func (c *Cache) path(name string, generation int64) string {
	return filepath.Join(c.dir, fileKey(c.store, name)+"."+strconv.FormatInt(generation, 10)+".age")
}
