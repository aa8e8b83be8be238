package keyring

import (
	"os"
	"testing"
)

// realKeyringVar lets the tests that need the session's real keyring run:
// they write to it, lock it and unlock it, which nobody wants done to their
// own desktop's keyring, so they run only in a throwaway session (.ci/run
// starts one with dbus-run-session). "require" makes a test that cannot
// run fail instead of skipping, so CI cannot pass without running them.
const realKeyringVar = "AUTHWIZ_TEST_SECRET_SERVICE"

// failOrSkipWithoutSecretService skips t for why, or fails it when the
// tests are required to run.
func failOrSkipWithoutSecretService(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(realKeyringVar) == "require" {
		t.Fatalf("%s=require, but this test cannot run: %s", realKeyringVar, why)
	}
	t.Skip(why)
}
