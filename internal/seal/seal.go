// Package seal keeps secrets at rest readable only by chosen hosts: each
// secret is an age envelope (X25519) sealed to a list of recipients, the
// public keys of the hosts allowed to read it, and opened with a host's own
// identity, a private key kept in a 0600 file in its config directory.
//
// A shared store then holds nothing a dump of it could use: whoever reads
// the database without one of the identities sees only envelopes.
package seal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
)

// ErrNotForThisHost: the envelope was not sealed to this host's identity,
// so the host was not listed as a recipient when it was written.
var ErrNotForThisHost = errors.New("the secret was not sealed to this host's key")

// Identity is a host's private key. Its String is the public key
// (recipient) others seal to, so printing it never leaks the key.
type Identity struct {
	key *age.X25519Identity
}

// Recipient is the public key that seals to this identity ("age1…").
func (id Identity) Recipient() string { return id.key.Recipient().String() }

// String is the recipient: an Identity printed by mistake shows nothing secret.
func (id Identity) String() string { return id.Recipient() }

// Generate makes a new identity.
func Generate() (Identity, error) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return Identity{}, fmt.Errorf("generate a host key: %w", err)
	}
	return Identity{key: key}, nil
}

// ParseRecipients checks a list of public keys ("age1…"), naming the first
// one that is not one.
func ParseRecipients(keys []string) ([]age.Recipient, error) {
	if len(keys) == 0 {
		return nil, errors.New("no recipients: list the public key (age1…) of at least one host")
	}
	out := make([]age.Recipient, 0, len(keys))
	for _, k := range keys {
		r, err := age.ParseX25519Recipient(strings.TrimSpace(k))
		if err != nil {
			return nil, fmt.Errorf("%q is not a host's public key (age1…): %w", k, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Seal encrypts secret so that only the holders of the identities behind
// recipients can open it.
func Seal(secret []byte, recipients []string) ([]byte, error) {
	rs, err := ParseRecipients(recipients)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		return nil, fmt.Errorf("seal a secret: %w", err)
	}
	if _, err := w.Write(secret); err != nil {
		return nil, fmt.Errorf("seal a secret: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("seal a secret: %w", err)
	}
	return buf.Bytes(), nil
}

// Open decrypts an envelope with id. An envelope sealed to other hosts
// only is ErrNotForThisHost.
func (id Identity) Open(envelope []byte) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(envelope), id.key)
	if err != nil {
		var miss *age.NoIdentityMatchError
		if errors.As(err, &miss) {
			return nil, fmt.Errorf("%w (this host is %s)", ErrNotForThisHost, id.Recipient())
		}
		return nil, fmt.Errorf("open a sealed secret: %w", err)
	}
	secret, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("open a sealed secret: %w", err)
	}
	return secret, nil
}
