package browser_test

import (
	"os/exec"
	"testing"

	"github.com/authwiz/authwiz/internal/browser"
)

func TestStartProgramReportsQuickFailures(t *testing.T) {
	if _, err := exec.LookPath("false"); err != nil {
		t.Skip("no false(1) here")
	}
	if err := browser.StartProgram("false"); err == nil {
		t.Error("a program that exits with an error counted as a browser")
	}
	if err := browser.StartProgram("true"); err != nil {
		t.Errorf("a program that exits cleanly failed: %v", err)
	}
	if err := browser.StartProgram("authwiz-no-such-browser"); err == nil {
		t.Error("a missing program counted as a browser")
	}
}
