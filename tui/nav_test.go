package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestNextIsRefusedWhileTheStepIsInvalid(t *testing.T) {
	h := newHarness(t)
	h.walkTo(2)
	h.press("ctrl+u") // empty the name
	h.press("enter")
	h.wantStep(2)
	h.wantScreen("✗ ")
	h.typeText("Mine")
	h.press("enter")
	h.wantStep(3)
	if got := h.w.draft.Profile.Name; got != "Mine" {
		t.Fatalf("name = %q", got)
	}
}

func TestErrorsWaitUntilTheAdminActs(t *testing.T) {
	h := newHarness(t)
	h.walkTo(9)
	if strings.Contains(h.screen(), "✗") {
		t.Fatalf("an error shows before anything was typed:\n%s", h.screen())
	}
	h.press("enter") // empty client ID
	h.wantStep(9)
	h.wantScreen("✗ ")
}

func TestBackIsNeverTrapped(t *testing.T) {
	for _, back := range []string{"esc", "shift+tab"} {
		t.Run(back, func(t *testing.T) {
			h := newHarness(t)
			h.walkTo(9)
			h.typeText(testClientID)
			h.press("enter", "enter") // refused: no secret
			h.wantStep(9)
			h.press(back)
			if back == "shift+tab" {
				// From the second field, shift+tab goes to the first one
				// before leaving the step.
				h.press(back)
			}
			h.wantStep(8)
			h.press("esc", "esc", "esc")
			h.wantStep(5)
		})
	}
}

func TestCheckpointMustBeTicked(t *testing.T) {
	h := newHarness(t)
	h.walkTo(3)
	h.press("enter")
	h.wantStep(3)
	h.wantScreen("Tick the box")
	h.press("space")
	h.wantScreen("[✓]")
	h.press("enter")
	h.wantStep(4)
	h.press("esc")
	h.wantScreen("[✓] I am logged in") // remembered in the draft
}

func TestStepListFoldsBelow80Columns(t *testing.T) {
	h := newHarness(t)
	h.walkTo(3)
	h.wantScreen("Step 3 of 12", "12 Save & authenticate")
	h.resize(60, 24)
	if strings.Contains(h.screen(), "12 Save & authenticate") {
		t.Fatalf("the step list is still shown at 60 columns:\n%s", h.screen())
	}
	h.wantScreen("Step 3 of 12  Developer Console")
	for i, line := range strings.Split(h.screen(), "\n") {
		if n := len([]rune(line)); n > 60 {
			t.Fatalf("line %d is %d columns wide: %q", i, n, line)
		}
	}
	h.resize(120, 30)
	h.wantScreen("12 Save & authenticate")
}

func TestHelpShowsOnlyLiveKeys(t *testing.T) {
	h := newHarness(t)
	if strings.Contains(h.screen(), "esc back") {
		t.Fatal("back is offered on the first step")
	}
	h.walkTo(7)
	h.wantScreen("c copy", "esc back")
	if strings.Contains(h.screen(), "pick a free port") {
		t.Fatal("the free-port key shows while the port is free")
	}
	h.press("?")
	h.wantScreen("ctrl+c quit")
	h.walkTo(8)
	if !strings.Contains(h.screen(), "f1 more keys") {
		t.Fatalf("while typing, help must be offered on f1, since ? is typed:\n%s", h.screen())
	}
}

// A key the step takes for itself is not also offered as back: while the
// consent waits esc cancels it, and with a filter typed esc clears it.
func TestHelpDoesNotOfferAKeyTwice(t *testing.T) {
	h := newHarness(t)
	h.resize(120, 30)
	h.walkTo(8)
	h.typeText("read")
	h.press("f1")
	h.wantScreen("clear filter")
	if escBack.MatchString(h.screen()) {
		t.Fatalf("with a filter typed, esc clears it, but help also offers it as back:\n%s", h.screen())
	}
	h.press("esc")
	h.wantStep(8)

	h.walkTo(12)
	h.press("enter", "enter", "?")
	h.wantScreen("cancel")
	if escBack.MatchString(h.screen()) {
		t.Fatalf("while the consent waits, esc cancels it, but help also offers it as back:\n%s", h.screen())
	}
}

var escBack = regexp.MustCompile(`esc +back`)

// However narrow the window, the one-line help fits it and ends with the
// key for the full help, on every step and with any field focused.
func TestTheHelpLineKeepsTheKeyForMoreInView(t *testing.T) {
	for _, width := range []int{60, 80, 100} {
		h := newHarness(t)
		h.resize(width, 24)
		check := func(where string) {
			t.Helper()
			lines := strings.Split(h.screen(), "\n")
			last := strings.TrimRight(lines[len(lines)-1], " ")
			if ansi.StringWidth(last) > width || !strings.HasSuffix(last, "more keys") {
				t.Errorf("%d columns, %s: the help line is cut: %q", width, where, last)
			}
		}
		for n := 1; n <= 12; n++ {
			h.walkTo(n)
			check(fmt.Sprint("step ", n))
		}
		for h.stepNumber() > 2 {
			h.press("esc")
		}
		h.press("down") // the App choice
		h.wantStep(2)
		check("step 2, App")
	}
}

func TestJumpToACompletedStepInEditMode(t *testing.T) {
	h := newHarness(t, editing("Confluence prod"))
	h.wantStep(2)
	h.jumpTo(9)
	h.wantScreen("Saved secret: set (•••• 1234)")
	h.jumpTo(3)
	h.wantScreen("[✓]") // console steps count as done for a saved profile
}

// The step list of ctrl+g shows every step with the cursor, even on a step
// with a long guide in a small window: pgdown cannot reach it there.
func TestTheJumpListShowsItsCursor(t *testing.T) {
	h := newHarness(t, rehearsing(&fakeRehearsal{}, ""))
	h.resize(60, 20)
	h.walkTo(12)
	h.press("esc", "esc", "esc") // step 9, whose guide shows the rehearsal app's values
	h.wantStep(9)
	h.press("ctrl+g")
	for range 10 {
		h.press("down")
	}
	h.wantScreen("Go to a completed step", " 2 Type & name", "› 12 Save & authenticate")
}

func TestJumpForwardChecksTheCurrentStep(t *testing.T) {
	h := newHarness(t, editing("Confluence prod"))
	h.press("ctrl+u")
	h.press("ctrl+g", "down", "down", "enter")
	h.wantStep(2)
	h.wantScreen("✗ ")
}

// Drawing the screen changes nothing in the wizard: what the next key
// does never depends on whether a frame was drawn in between.
func TestViewChangesNoState(t *testing.T) {
	h := newHarness(t)
	h.walkTo(8)
	h.resize(100, 14)
	h.press("pgdown", "pgdown")
	s := h.w.steps[stepPermissions].(*permissionsStep)
	helpWidth, offset, cursor := h.w.help.Width(), s.offset, s.cursor
	h.resize(120, 40) // a larger window: the help and the list would be laid out anew
	_ = h.w.View()
	_ = h.w.View()
	if h.w.help.Width() != helpWidth || s.offset != offset || s.cursor != cursor {
		t.Fatalf("drawing changed state: help width %d→%d, offset %d→%d, cursor %d→%d",
			helpWidth, h.w.help.Width(), offset, s.offset, cursor, s.cursor)
	}
}
