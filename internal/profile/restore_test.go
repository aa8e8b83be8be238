package profile

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The story: secrets.toml cut back to "[secrets]", an unrelated
// save, then restore: the client secret and refresh token come back.
func TestRestoreBringsBackCutBackSecrets(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error { // a second write makes a backup
		sec.AccessToken = "access-2"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cutBack(t, filepath.Join(s.Dir(), secretsFileName))
	other := p
	other.Name = "unrelated"
	if err := s.Save(other, sec); !errors.Is(err, ErrSecretsLost) {
		t.Fatalf("the unrelated save must be refused: %v", err)
	}

	plan, err := s.PlanRestore(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Damage.Lost) != 1 || plan.Damage.Lost[0].Profile != p.Name {
		t.Fatalf("the plan names the profile that lost its secrets: %+v", plan.Damage)
	}
	if len(plan.Candidates) == 0 {
		t.Fatal("no candidate to restore from")
	}
	first := plan.Candidates[0]
	if len(first.Profiles) != 1 || !first.Profiles[0].PutBack || !first.Profiles[0].ClientSecret || !first.Profiles[0].RefreshToken || first.Profiles[0].Rotated {
		t.Fatalf("the newest candidate puts back the secrets: %+v", first)
	}
	res, err := s.Restore(first.Number, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Profiles, []string{p.Name}) || len(res.StillLost) != 0 {
		t.Errorf("restored %+v", res)
	}
	_, got, err := s.Get(p.Name)
	if err != nil || got.ClientSecret != sec.ClientSecret || got.RefreshToken != sec.RefreshToken {
		t.Fatalf("after restore: %v (secret back: %v, refresh back: %v)", err, got.ClientSecret == sec.ClientSecret, got.RefreshToken == sec.RefreshToken)
	}
	if err := s.Save(other, sec); err != nil {
		t.Errorf("after restore saves work again: %v", err)
	}
}

func TestRestoreWarnsOfARotatedRefreshToken(t *testing.T) {
	s, p, sec := storeWithGrant(t, "")
	c := claimOf(t, s, p.Name)
	if err := c.Begin(fixedNow); err != nil {
		t.Fatal(err)
	}
	later := answer(2)
	later.At = fixedNow.Add(time.Hour)
	if _, err := c.Commit(Outcome{Refreshed: &later}); err != nil {
		t.Fatal(err)
	}
	c.Release()
	cutBack(t, filepath.Join(s.Dir(), secretsFileName))
	plan, err := s.PlanRestore(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Candidates) == 0 || !plan.Candidates[0].Profiles[0].Rotated {
		t.Fatalf("the backup's refresh token was rotated since: %+v", plan.Candidates)
	}
	res, err := s.Restore(1, nil)
	if err != nil || !slices.Equal(res.Rotated, []string{p.Name}) {
		t.Fatalf("restore says the refresh token was rotated: %+v %v", res, err)
	}
	if _, got, _ := s.Get(p.Name); got.RefreshToken != sec.RefreshToken {
		t.Errorf("the only refresh token there is was put back")
	}
	if _, err := s.ClaimGrant(context.Background(), p.Name); err != nil {
		t.Errorf("the restored profile can be used: %v", err)
	}
}

func TestBackupsKeepThreeGenerations(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	for i := range 6 {
		sec.AccessToken = "access-" + string(rune('a'+i))
		if err := s.Save(p, sec); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(s.Dir(), secretsFileName)
	got := backupsOf(path)
	want := []string{backupPath(path, 1), backupPath(path, 2), backupPath(path, 3)}
	if !slices.Equal(got, want) {
		t.Fatalf("backups %v, want %v", got, want)
	}
	for i, b := range got {
		data, _ := os.ReadFile(b)
		if wantToken := "access-" + string(rune('e'-i)); !bytes.Contains(data, []byte(wantToken)) {
			t.Errorf("%s should hold %s, newest first", filepath.Base(b), wantToken)
		}
	}
}

// A profile that only an old backup still holds (the settings lost it,
// and it was not deleted) is never rotated out of the backups.
func TestBackupHoldingMoreIsNeverDropped(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	keep := p
	keep.Name = "only in a backup"
	for _, pr := range []Profile{keep, p} {
		if err := s.Save(pr, sec); err != nil {
			t.Fatal(err)
		}
	}
	// profiles.toml loses the profile without a delete: a hand edit.
	settingsPath := filepath.Join(s.Dir(), settingsFileName)
	data, _ := os.ReadFile(settingsPath)
	st, err := parseSettings(settingsPath, data)
	if err != nil {
		t.Fatal(err)
	}
	st.Profiles = slices.DeleteFunc(st.Profiles, func(q Profile) bool { return q.Name == keep.Name })
	delete(st.Held, keep.Name)
	if data, err = encodeSettings(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settingsPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		sec.AccessToken = "access-" + string(rune('a'+i))
		if err := s.Save(p, sec); err != nil {
			t.Fatal(err)
		}
	}
	holders := 0
	for _, b := range backupsOf(settingsPath) {
		if data, _ := os.ReadFile(b); bytes.Contains(data, []byte(keep.Name)) {
			holders++
		}
	}
	if holders == 0 {
		t.Fatal("five saves rotated out the only copy of a profile nobody deleted")
	}
}

func TestDeleteRemovesSecretsFromEveryBackup(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	other := p
	other.Name = "other"
	for i := range 4 {
		sec.AccessToken = "access-" + string(rune('a'+i))
		for _, pr := range []Profile{p, other} {
			if err := s.Save(pr, sec); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Delete(p.Name); err != nil {
		t.Fatal(err)
	}
	backups := append(backupsOf(filepath.Join(s.Dir(), secretsFileName)), backupsOf(filepath.Join(s.Dir(), settingsFileName))...)
	if len(backups) < 2 {
		t.Fatalf("too few backups to test: %v", backups)
	}
	for _, b := range backups {
		data, _ := os.ReadFile(b)
		if bytes.Contains(data, []byte(p.Name)) {
			t.Errorf("%s still holds the deleted profile", filepath.Base(b))
		}
		if !bytes.Contains(data, []byte("other")) {
			t.Errorf("%s lost the profile that was not deleted", filepath.Base(b))
		}
	}
	if plan, err := s.PlanRestore(nil); err != nil || !plan.Damage.None() {
		t.Errorf("after a delete the store is sound: %+v %v", plan.Damage, err)
	}
}

// A rename reaches the backups: restoring one must not bring the profile
// back under the name the user gave up, beside its renamed self.
func TestRenameRenamesInEveryBackup(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	for i := range 4 {
		sec.AccessToken = "access-" + string(rune('a'+i))
		if err := s.Save(p, sec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Rename(p.Name, "renamed"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{settingsFileName, secretsFileName} {
		backups := backupsOf(filepath.Join(s.Dir(), name))
		if len(backups) < 2 {
			t.Fatalf("too few backups of %s to test: %v", name, backups)
		}
		for _, b := range backups {
			data, _ := os.ReadFile(b)
			var names []string
			if name == secretsFileName {
				f, _ := parseSecrets(b, data)
				names = slices.Collect(maps.Keys(f.Secrets))
				if f.Secrets["renamed"].ClientSecret != sec.ClientSecret {
					t.Errorf("%s lost the renamed profile's client secret", filepath.Base(b))
				}
			} else {
				f, _ := parseSettings(b, data)
				for _, q := range f.Profiles {
					names = append(names, q.Name)
				}
			}
			if !slices.Equal(names, []string{"renamed"}) {
				t.Errorf("%s holds %q, want the profile under its new name only", filepath.Base(b), names)
			}
		}
	}
	if plan, err := s.PlanRestore(nil); err != nil || !plan.Damage.None() {
		t.Errorf("after a rename the store is sound: %+v %v", plan.Damage, err)
	}
}

// A refresh token that only a backup still holds (both files lost it by
// hand, so nothing vouches for it) is never rotated out of the backups by
// saves of another profile.
func TestBackupHoldingASecretIsNeverDropped(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	keep := p
	keep.Name = "keep"
	for _, pr := range []Profile{keep, p} {
		if err := s.Save(pr, sec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Update(keep.Name, func(_ *Profile, sec *Secrets) error {
		sec.RefreshToken = ""
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		sec.AccessToken = "access-" + string(rune('a'+i))
		if err := s.Save(p, sec); err != nil {
			t.Fatal(err)
		}
	}
	held := 0
	for _, b := range backupsOf(filepath.Join(s.Dir(), secretsFileName)) {
		data, _ := os.ReadFile(b)
		f, err := parseSecrets(b, data)
		if err == nil && f.Secrets[keep.Name].RefreshToken == sec.RefreshToken {
			held++
		}
	}
	if held == 0 {
		t.Fatal("five saves of another profile rotated out the only copy of a refresh token")
	}
}

// A profile whose grant moved into a shared store keeps only its client
// secret here; the backups still hold its tokens from before. Restore
// puts back the client secret and leaves those tokens out: spent here,
// the old refresh token would revoke the grant for every host.
func TestRestoreOfASharedProfileLeavesItsOldTokensOut(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(p.Name, func(_ *Profile, kept *Secrets) error {
		*kept = Secrets{ClientSecret: kept.ClientSecret}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cutBack(t, filepath.Join(s.Dir(), secretsFileName))

	shared := []string{p.Name}
	plan, err := s.PlanRestore(shared)
	if err != nil || len(plan.Candidates) == 0 {
		t.Fatalf("no candidate to restore from: %v", err)
	}
	if got := plan.Candidates[0].Profiles; len(got) != 1 || !got[0].Shared || !got[0].PutBack || got[0].Rotated {
		t.Fatalf("the newest candidate should put back the shared profile's client secret only: %+v", got)
	}
	res, err := s.Restore(1, shared)
	if err != nil || !slices.Equal(res.Profiles, []string{p.Name}) || len(res.Rotated) != 0 {
		t.Fatalf("restore: %+v %v", res, err)
	}
	got, back, err := s.Get(p.Name)
	if err != nil || back.ClientSecret != sec.ClientSecret {
		t.Fatalf("the client secret did not come back: %v", err)
	}
	if back.HasTokens() || got.Tokens.HasRefresh || got.Tokens.HasAccess {
		t.Fatal("restore put back this host's old tokens of a shared grant")
	}
	if plan, err := s.PlanRestore(shared); err != nil || !plan.Damage.None() {
		t.Errorf("the store is not sound after the restore: %+v %v", plan.Damage, err)
	}
}
