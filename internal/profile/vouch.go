package profile

import (
	"errors"
	"fmt"
	"strings"
)

// held is what profiles.toml says a profile's secrets hold, written by the
// same change that wrote the secrets. A secrets file (or keyring entry)
// that still reads but holds less — cut short, replaced by an older copy,
// emptied by hand — is found by comparing the two, instead of passing for
// "no consent yet" until the next save makes the loss permanent.
type held struct {
	// Generation is the store change that last wrote these secrets; the
	// secrets file and each keyring entry record theirs too.
	Generation   uint64 `toml:"generation"`
	ClientSecret bool   `toml:"client_secret,omitempty"`
	AccessToken  bool   `toml:"access_token,omitempty"`
	RefreshToken bool   `toml:"refresh_token,omitempty"`
}

func heldOf(sec Secrets, gen uint64) held {
	return held{Generation: gen, ClientSecret: sec.ClientSecret != "", AccessToken: sec.AccessToken != "", RefreshToken: sec.RefreshToken != ""}
}

// missingFrom names what h vouches for and sec lacks.
func (h held) missingFrom(sec Secrets) []string {
	var lost []string
	for _, item := range []struct {
		vouched, present bool
		name             string
	}{
		{h.ClientSecret, sec.ClientSecret != "", "the client secret"},
		{h.AccessToken, sec.AccessToken != "", "the access token"},
		{h.RefreshToken, sec.RefreshToken != "", "the refresh token"},
	} {
		if item.vouched && !item.present {
			lost = append(lost, item.name)
		}
	}
	return lost
}

// ErrSecretsLost: the secrets file or the keyring holds less than the
// settings say. The error is a *LostSecretsError.
var ErrSecretsLost = errors.New("the secrets do not match the settings")

// LostSecretsError says which profile's secrets went missing, from where,
// and what is missing. authwiz refuses to use that profile, and to save
// anything, until `authwiz restore` puts a good copy back: a save would
// make the loss permanent.
type LostSecretsError struct {
	Profile string
	// Where is the secrets file's path, or the keyring's name.
	Where string
	// Missing names what is gone ("the client secret", "the refresh
	// token"); empty when Where is an older copy holding everything, but
	// perhaps tokens rotated since.
	Missing []string
	// Older is set when Where was written before the settings' last
	// change of these secrets.
	Older bool
}

func (e *LostSecretsError) Error() string {
	what := "its secrets"
	if len(e.Missing) > 0 {
		what = strings.Join(e.Missing, " and ")
	}
	msg := fmt.Sprintf("profile %q: %s no longer holds %s, which profiles.toml says it has", e.Profile, e.Where, what)
	if e.Older {
		msg = fmt.Sprintf("profile %q: %s is an older copy than profiles.toml expects, so %s may be out of date", e.Profile, e.Where, what)
	}
	return msg + ". authwiz will not use this profile or save any change until that is fixed: put back the last good copy with `authwiz restore`"
}

// Is makes errors.Is(err, ErrSecretsLost) work.
func (e *LostSecretsError) Is(target error) bool { return target == ErrSecretsLost }

// vouch checks sec, as read from where (written by change gen), against
// what the settings say p's secrets hold. Secrets newer than the settings
// file were written by a change whose settings write was cut short (the
// secrets go first): they are the truth, and the next save writes
// settings to match.
func (st *state) vouch(p Profile, sec Secrets, gen uint64, where string) error {
	h, ok := st.settings.Held[p.Name]
	if !ok {
		// Written before settings vouched for secrets: the token flags are
		// all they say.
		h = held{AccessToken: p.Tokens.HasAccess, RefreshToken: p.Tokens.HasRefresh}
	}
	switch {
	case gen > st.settings.Generation:
		return nil
	case gen < h.Generation:
		if len(h.missingFrom(Secrets{})) == 0 {
			return nil
		}
		return &LostSecretsError{Profile: p.Name, Where: where, Missing: h.missingFrom(sec), Older: true}
	}
	if missing := h.missingFrom(sec); len(missing) > 0 {
		return &LostSecretsError{Profile: p.Name, Where: where, Missing: missing}
	}
	return nil
}

// fileLosses checks every profile that keeps its secrets in the secrets
// file and returns the names of those that lost some, with the first
// error. Keyring entries are checked as they are read: each is written
// only with its own profile, so a save of another cannot deepen the loss.
func (s *Store) fileLosses(st *state) (map[string]bool, error) {
	var (
		lost  map[string]bool
		first error
	)
	for _, p := range st.settings.Profiles {
		if p.SecretStorage == StorageKeyring {
			continue
		}
		if err := st.vouch(p, st.secrets.Secrets[p.Name], st.secrets.Generation, s.path(secretsFileName)); err != nil {
			if lost == nil {
				lost, first = map[string]bool{}, err
			}
			lost[nameKey(p.Name)] = true
		}
	}
	return lost, first
}

// nextGeneration numbers the change about to be written: past every
// number either file has seen.
func (st *state) nextGeneration() uint64 {
	return max(st.settings.Generation, st.secrets.Generation) + 1
}

// stamp records change gen: in the settings, in the secrets file when it
// is rewritten (secretsWritten), in the keyring entries this change
// writes, and beside each profile in the settings, what its secrets hold
// and which change wrote them.
func (st *state) stamp(gen uint64, secretsWritten bool) {
	if secretsWritten {
		st.secrets.Generation = gen
	}
	prev := st.settings.Held
	st.settings.Held = make(map[string]held, len(st.settings.Profiles))
	for _, p := range st.settings.Profiles {
		switch sec, inKeyring := st.keyringSets[p.Name]; {
		case p.SecretStorage != StorageKeyring:
			st.settings.Held[p.Name] = heldOf(st.secrets.Secrets[p.Name], st.secrets.Generation)
		case inKeyring:
			st.settings.Held[p.Name] = heldOf(sec, gen)
		default:
			if h, ok := prev[p.Name]; ok {
				st.settings.Held[p.Name] = h
			}
		}
	}
	st.settings.Generation = gen
}

// checkSecretsFile refuses a store whose secrets file lost what the
// settings vouch for; a refresh asks before spending its refresh token,
// since the answer could not be saved.
func (s *Store) checkSecretsFile() error {
	return s.read(func() error {
		st, err := s.load()
		if err != nil {
			return err
		}
		_, err = s.fileLosses(&st)
		return err
	})
}
