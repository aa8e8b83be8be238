package profile

// Defaults the guide uses, so a profile made with authwiz matches one made
// by hand in the Integration Builder.
const (
	DefaultName    = "OAuth2 confluence Authentication"
	DefaultAppName = "OAuth Connection Workspace365 Integration Builder"
	// DefaultRedirectURL uses port 47613: outside the ports development
	// tools usually take (3000, 5000, 8000, 8080, 8765, …) and below
	// Windows' dynamic range 49152–65535, so the operating system never
	// hands it to another program by chance. It must stay fixed: Atlassian
	// compares the Callback URL exactly, port included.
	DefaultRedirectURL = "http://localhost:47613/callback"
)

// Names lists the names of profiles.
func Names(list []Profile) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.Name
	}
	return out
}
