package profile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cutBack leaves only the part of the file up to and including the line
// "[secrets]": a file that still reads but lost every profile's secrets.
func cutBack(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("[secrets]\n"))
	if i < 0 {
		t.Fatalf("no [secrets] in %s", data)
	}
	if err := os.WriteFile(path, data[:i+len("[secrets]\n")], 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCutBackSecretsFileIsRefused(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Dir(), secretsFileName)
	cutBack(t, path)
	backupBefore, _ := os.ReadFile(path + backupSuffix)

	_, _, err := s.Get(p.Name)
	var lost *LostSecretsError
	if !errors.As(err, &lost) || !errors.Is(err, ErrSecretsLost) {
		t.Fatalf("want a LostSecretsError, got %v", err)
	}
	for _, want := range []string{path, "the client secret", "the refresh token", p.Name, "authwiz restore"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}

	other := p
	other.Name = "unrelated"
	if err := s.Save(other, sec); !errors.As(err, &lost) {
		t.Fatalf("an unrelated save over lost secrets must be refused, got %v", err)
	}
	if got, _ := os.ReadFile(path + backupSuffix); !bytes.Equal(got, backupBefore) {
		t.Errorf("the refused save changed the backup")
	}
	if list, _ := s.List(); len(list) != 1 {
		t.Errorf("the refused save changed the settings: %v", list)
	}
	if c, err := s.ClaimGrant(t.Context(), p.Name); err == nil {
		c.Release()
		t.Errorf("a refresh of the profile must be refused before it starts")
	}
	// Deleting the profile that lost its secrets is what the user asked:
	// it is allowed.
	if err := s.Delete(p.Name); err != nil {
		t.Fatalf("deleting the damaged profile: %v", err)
	}
	if err := s.Save(other, sec); err != nil {
		t.Fatalf("with the damaged profile gone saves work again: %v", err)
	}
}

func TestOneLostSecretIsNamed(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Dir(), secretsFileName)
	data, _ := os.ReadFile(path)
	edited := bytes.Replace(data, []byte(`refresh_token = "refresh-1"`), nil, 1)
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(p.Name)
	var lost *LostSecretsError
	if !errors.As(err, &lost) || len(lost.Missing) != 1 || lost.Missing[0] != "the refresh token" {
		t.Fatalf("want the refresh token named as lost, got %v", err)
	}
}

func TestOlderSecretsFileIsRefused(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Dir(), secretsFileName)
	older, _ := os.ReadFile(path)
	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error {
		sec.RefreshToken = "refresh-2"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, older, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(p.Name)
	var lost *LostSecretsError
	if !errors.As(err, &lost) || !lost.Older {
		t.Fatalf("an older copy of the secrets file must be refused, got %v", err)
	}
}

func TestKeyringThatLostAnEntryIsRefused(t *testing.T) {
	s, kr, p := keyringProfileStore(t)
	if err := kr.Delete(s.keyringService(), p.Name); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(p.Name)
	var lost *LostSecretsError
	if !errors.As(err, &lost) || !strings.Contains(err.Error(), "keyring") || !strings.Contains(err.Error(), "the client secret") {
		t.Fatalf("a keyring that lost the entry must be named, got %v", err)
	}
}

// A change whose settings write was cut short leaves newer secrets and the
// older settings: that is no loss.
func TestSecretsNewerThanTheSettingsAreNotALoss(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	settingsPath := filepath.Join(s.Dir(), settingsFileName)
	settingsBefore, _ := os.ReadFile(settingsPath)
	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error {
		sec.AccessToken, sec.RefreshToken = "", "refresh-2"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settingsPath, settingsBefore, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.Get(p.Name); err != nil || got.RefreshToken != "refresh-2" {
		t.Fatalf("the newer secrets are the truth: %q %v", got.RefreshToken, err)
	}
}
