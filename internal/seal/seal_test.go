package seal_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/seal"
)

func TestSealOpensForEveryRecipientOnly(t *testing.T) {
	a, b, stranger := generate(t), generate(t), generate(t)
	secret := []byte("refresh-token-value")
	env, err := seal.Seal(secret, []string{a.Recipient(), b.Recipient()})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(env, secret) {
		t.Fatal("the envelope holds the secret in plain text")
	}
	for _, id := range []seal.Identity{a, b} {
		got, err := id.Open(env)
		if err != nil || string(got) != string(secret) {
			t.Fatalf("Open by a recipient = %q, %v; want the secret", got, err)
		}
	}
	if got, err := stranger.Open(env); !errors.Is(err, seal.ErrNotForThisHost) || got != nil {
		t.Fatalf("Open by another host = %q, %v; want ErrNotForThisHost", got, err)
	}
}

func TestSealRefusesBadRecipients(t *testing.T) {
	for _, keys := range [][]string{nil, {"age1notakey"}, {generate(t).Recipient(), "ssh-ed25519 AAAA"}} {
		if _, err := seal.Seal([]byte("x"), keys); err == nil {
			t.Errorf("Seal to %q: no error", keys)
		}
	}
}

func TestIdentityPrintsOnlyItsPublicKey(t *testing.T) {
	id := generate(t)
	if s := id.String(); !strings.HasPrefix(s, "age1") || strings.Contains(strings.ToUpper(s), "SECRET") {
		t.Fatalf("String() = %q, want the public key", s)
	}
}

func TestLoadOrCreateKeepsOnePrivateKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := seal.Load(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load before any key = %v, want fs.ErrNotExist", err)
	}
	first, err := seal.LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, seal.IdentityFileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", info.Mode().Perm())
	}
	again, err := seal.LoadOrCreate(dir)
	if err != nil || again.Recipient() != first.Recipient() {
		t.Fatalf("second LoadOrCreate = %v, %v; want the same key", again, err)
	}
	env, _ := seal.Seal([]byte("s"), []string{first.Recipient()})
	if _, err := again.Open(env); err != nil {
		t.Fatalf("the reloaded key cannot open what was sealed to it: %v", err)
	}
}

func TestLoadRefusesAKeyOthersCanRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file modes do not say who may read a file")
	}
	dir := t.TempDir()
	if _, err := seal.LoadOrCreate(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, seal.IdentityFileName)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.Load(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("Load of a 0644 key = %v, want a refusal naming the fix", err)
	}
}

func TestLoadRefusesAFileWithoutAKey(t *testing.T) {
	dir := t.TempDir()
	if err := seal.WritePrivate(filepath.Join(dir, seal.IdentityFileName), []byte("# nothing\n"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.Load(dir); err == nil {
		t.Fatal("Load of a key file without a key: no error")
	}
}

func TestWritePrivateExclusiveKeepsTheFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := seal.WritePrivate(path, []byte("one"), true); err != nil {
		t.Fatal(err)
	}
	if err := seal.WritePrivate(path, []byte("two"), true); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second exclusive write = %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "one" {
		t.Fatalf("file holds %q, want the first write", got)
	}
	if err := seal.WritePrivate(path, []byte("three"), false); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "three" {
		t.Fatalf("file holds %q after a replacing write", got)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

func TestWriteScratchReplacesPrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, text := range []string{"one", "two"} {
		if err := seal.WriteScratch(path, []byte(text)); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if got, _ := os.ReadFile(path); err != nil || string(got) != text || runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
			t.Fatalf("after writing %q: %q, %v", text, got, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

func generate(t *testing.T) seal.Identity {
	t.Helper()
	id, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return id
}
