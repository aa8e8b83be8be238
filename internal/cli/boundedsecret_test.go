package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authwiz/authwiz/internal/validate"
)

// A client secret longer than authwiz takes is refused whole, from every
// source, never cut to fit; an endless file is not read on for ever.
func TestOversizedClientSecretIsRefused(t *testing.T) {
	w := newWorld(t)
	huge := strings.Repeat("s", 100<<10)
	hugeFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(hugeFile, []byte(huge), 0o600); err != nil {
		t.Fatal(err)
	}
	// The longest secret taken is taken.
	longest := strings.Repeat("s", validate.MaxSecretBytes)
	if r := w.run(longest, nil, w.newArgs("longest", "--client-secret-stdin")...); r.code != 0 {
		t.Errorf("a secret of exactly %d bytes: %d\n%s", validate.MaxSecretBytes, r.code, r.stderr)
	}
	for _, tc := range []struct {
		name, stdin, from string
		env               map[string]string
		args              []string
	}{
		{"stdin", huge, "standard input", nil, []string{"--client-secret-stdin"}},
		{"file", "", hugeFile, nil, []string{"--client-secret-file", hugeFile}},
		{"endless file", "", "/dev/zero", nil, []string{"--client-secret-file", "/dev/zero"}},
		{"environment", "", secretEnv, map[string]string{secretEnv: huge}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.run(tc.stdin, tc.env, w.newArgs("p", tc.args...)...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, "nothing was saved") ||
				!strings.Contains(r.stderr, tc.from+" holds more than 4096 bytes") {
				t.Errorf("exit %d:\n%s", r.code, r.stderr)
			}
			if strings.Contains(r.stderr, huge[:100]) {
				t.Error("the refusal repeats the secret")
			}
		})
	}
}
