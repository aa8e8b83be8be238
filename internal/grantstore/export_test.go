package grantstore

import (
	"path/filepath"
	"strconv"
)

// StopAfterJournal makes s call stop between keeping a refresh's answer in
// the journal and committing it, where a crash leaves the journal as the
// only copy.
func StopAfterJournal(s *Source, stop func()) { s.afterJournal = stop }

// PutOld keeps e as a journal did before it kept entries per store and
// recorded the refresh token spent: under the grant's name alone.
func PutOld(j *Journal, e Entry) error {
	e.Spent = ""
	return j.write(j.oldPath(e.Name), e)
}

// OldCachePath is where a cache kept generation of name's token before it
// kept tokens per store: under the name alone.
func OldCachePath(c *Cache, name string, generation int64) string {
	return filepath.Join(c.dir, fileKey(name)+"."+strconv.FormatInt(generation, 10)+".age")
}
