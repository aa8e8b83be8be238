package profile

// MakePrivate makes path readable and writable by the user only: mode
// 0600 on Unix; on Windows an access control list of its own, not
// inherited, for the user, SYSTEM and the Administrators. For the other
// private files kept in the configuration directory, such as the host key.
func MakePrivate(path string) error { return makePrivate(path) }

// ReadableByOthers says, with the command that fixes it, when users other
// than the owner may read path: "" when none may or path is missing.
func ReadableByOthers(path string) (string, error) { return looseFile(path) }
