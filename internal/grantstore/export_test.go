package grantstore

// StopAfterJournal makes s call stop between keeping a refresh's answer in
// the journal and committing it, where a crash leaves the journal as the
// only copy.
func StopAfterJournal(s *Source, stop func()) { s.afterJournal = stop }
