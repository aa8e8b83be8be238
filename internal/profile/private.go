package profile

// WriteFilePrivate replaces path with data atomically, readable by the
// owner only (0600): for other private files kept beside the profiles,
// such as the rehearsal server's grants, so the house has one atomic write.
func WriteFilePrivate(path string, data []byte) error { return replaceWith(path, data) }
