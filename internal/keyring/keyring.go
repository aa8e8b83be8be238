// Package keyring keeps secrets in the OS credential store (macOS Keychain,
// Windows Credential Manager, Secret Service on Linux) through
// github.com/zalando/go-keyring, with three things that library leaves to
// its callers: no call may hang on a locked keyring; values larger than a
// platform allows (2560 bytes on Windows, about 3000 on macOS — Atlassian
// tokens can exceed that) are split over several entries; and nothing is
// started that would outlive authwiz — without a D-Bus session bus the
// Secret Service counts as unavailable instead of one being launched.
package keyring

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/authwiz/authwiz/internal/profile"
)

// Backend is the raw credential store: go-keyring's package functions, or a
// fake in tests.
type Backend interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// DefaultTimeout bounds every keyring call; a locked keyring that waits for
// a password prompt nobody sees must not hang authwiz.
const DefaultTimeout = 5 * time.Second

// chunkSize keeps every entry below the smallest platform limit with room
// for go-keyring's own encoding on macOS (base64 plus a command line).
const chunkSize = 1800

// Keyring is a profile.Keyring on top of a Backend.
type Keyring struct {
	backend   Backend
	timeout   time.Duration
	chunkSize int
	// name is what messages call the store, e.g. "the macOS Keychain".
	name string
	// usable says why the store cannot be used, before any call is made
	// (nil: no such check). It bounds its own wait and says what it
	// waited for, so it runs outside a call's timeout.
	usable func() error
}

// New wraps backend with a timeout on every call.
func New(backend Backend, timeout time.Duration) *Keyring {
	return &Keyring{backend: backend, timeout: timeout, chunkSize: chunkSize, name: "the OS keyring"}
}

// An entry is stored as a head entry under the account itself, holding
// "v1 <generation> <count>", and count chunk entries "<account> #<generation>.<i>".
// A change writes the new generation's chunks first and the head last, so
// a crash part-way leaves the old value whole.
const headPrefix = "authwiz-chunks v1 "

// Get returns the value stored for account.
func (k *Keyring) Get(service, account string) (string, error) {
	head, err := k.call(func() (string, error) { return k.backend.Get(service, account) })
	if err != nil {
		return "", err
	}
	gen, count, err := parseHead(head)
	if err != nil {
		return "", fmt.Errorf("keyring entry %q: %w", account, err)
	}
	var b strings.Builder
	for i := range count {
		part, err := k.call(func() (string, error) { return k.backend.Get(service, chunkAccount(account, gen, i)) })
		if err != nil {
			return "", fmt.Errorf("keyring entry %q part %d: %w", account, i+1, err)
		}
		b.WriteString(part)
	}
	return b.String(), nil
}

// Set stores secret for account, replacing what was there.
func (k *Keyring) Set(service, account, secret string) error {
	oldHead, err := k.call(func() (string, error) { return k.backend.Get(service, account) })
	if err != nil && !errors.Is(err, profile.ErrNotInKeyring) {
		return err
	}
	gen, err := newGeneration()
	if err != nil {
		return err
	}
	chunks := split(secret, k.chunkSize)
	for i, c := range chunks {
		if err := k.do(func() error { return k.backend.Set(service, chunkAccount(account, gen, i), c) }); err != nil {
			return err
		}
	}
	head := headPrefix + gen + " " + strconv.Itoa(len(chunks))
	if err := k.do(func() error { return k.backend.Set(service, account, head) }); err != nil {
		return err
	}
	// The new value is in place; removing the old chunks is tidying up.
	if oldGen, oldCount, err := parseHead(oldHead); err == nil {
		k.deleteChunks(service, account, oldGen, oldCount)
	}
	return nil
}

// Delete removes account's value.
func (k *Keyring) Delete(service, account string) error {
	head, err := k.call(func() (string, error) { return k.backend.Get(service, account) })
	if err != nil {
		return err
	}
	if err := k.do(func() error { return k.backend.Delete(service, account) }); err != nil {
		return err
	}
	if gen, count, err := parseHead(head); err == nil {
		k.deleteChunks(service, account, gen, count)
	}
	return nil
}

func (k *Keyring) deleteChunks(service, account, gen string, count int) {
	for i := range count {
		_ = k.do(func() error { return k.backend.Delete(service, chunkAccount(account, gen, i)) })
	}
}

func (k *Keyring) do(fn func() error) error {
	_, err := k.call(func() (string, error) { return "", fn() })
	return err
}

// call runs fn with the timeout and translates the backend's errors.
func (k *Keyring) call(fn func() (string, error)) (string, error) {
	if k.usable != nil {
		if err := k.usable(); err != nil {
			return "", err
		}
	}
	v, err := within(k.timeout, fn)
	switch {
	case errors.Is(err, errNoAnswer):
		return "", fmt.Errorf("%s did not answer within %s; it may be locked: unlock it and try again, or keep the secrets in the file with --secrets file", k.name, k.timeout)
	case errors.Is(err, gokeyring.ErrNotFound):
		return "", profile.ErrNotInKeyring
	case errors.Is(err, errLocked):
		return "", fmt.Errorf("%s is locked: unlock it and try again, or keep the secrets in the file with --secrets file", k.name)
	case err != nil:
		// The backend's own words ("exit status 36", a D-Bus error name)
		// do not say which store failed.
		return "", fmt.Errorf("%s: %w", k.name, err)
	}
	return v, nil
}

var (
	// errNoAnswer: a call did not return in time.
	errNoAnswer = errors.New("no answer in time")
	// errLocked: the store is locked and nobody can unlock it from here.
	errLocked = errors.New("the keyring is locked")
)

// within runs fn and stops waiting for it after timeout. A D-Bus or
// Keychain call cannot be cancelled, so fn may go on in the background;
// its result is dropped.
func within[T any](timeout time.Duration, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		var zero T
		return zero, errNoAnswer
	}
}

func chunkAccount(account, gen string, i int) string {
	return fmt.Sprintf("%s #%s.%d", account, gen, i)
}

func parseHead(head string) (gen string, count int, err error) {
	rest, ok := strings.CutPrefix(head, headPrefix)
	if !ok {
		return "", 0, errors.New("not written by this authwiz")
	}
	gen, countText, ok := strings.Cut(rest, " ")
	count, convErr := strconv.Atoi(countText)
	if !ok || convErr != nil || count < 0 || count > 1000 {
		return "", 0, errors.New("damaged entry")
	}
	return gen, count, nil
}

func newGeneration() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("keyring entry: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// split cuts s into pieces of at most size bytes without splitting a UTF-8
// character, so each piece is a valid string for the platform store.
func split(s string, size int) []string {
	var out []string
	for len(s) > size {
		cut := size
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}
