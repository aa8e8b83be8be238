package profile

const (
	privateDir  = 0o700
	privateFile = 0o600
)
