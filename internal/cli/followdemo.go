package cli

import (
	"fmt"
	"net"
	"strconv"

	"github.com/authwiz/authwiz/internal/profile"
	"github.com/authwiz/authwiz/internal/rehearsal"
)

// followDemo points the rehearsal profile p, kept in store, at the demo
// running now and saves that, so a profile made under one `authwiz demo
// --port` keeps working when the demo runs on another. Nothing is written
// when the profile already points there or no demo runs: reading commands
// stay usable on a read-only config dir.
func followDemo(store *profile.Store, p profile.Profile) (profile.Profile, error) {
	moved := rehearsal.Follow(p, store.Dir())
	if moved.AuthURL == p.AuthURL && moved.TokenURL == p.TokenURL && moved.APIBaseURL == p.APIBaseURL {
		return p, nil
	}
	err := store.Update(p.Name, func(q *profile.Profile, _ *profile.Secrets) error {
		*q = rehearsal.Follow(*q, store.Dir())
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("point rehearsal profile %q at the demo now running: %w", p.Name, err)
	}
	return moved, nil
}

// demoState says whether `authwiz demo` runs for the rehearsal profiles in
// store.
func demoState(store *profile.Store) string {
	port, ok := rehearsal.RunningPort(store.Dir())
	if !ok {
		return "not running: start `" + suggest("demo") + "` to use rehearsal profiles"
	}
	return "running on " + net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}
