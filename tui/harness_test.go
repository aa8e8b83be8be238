package tui

import (
	"flag"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authwiz/authwiz/internal/browser"
	"github.com/authwiz/authwiz/internal/clipboard"
	"github.com/authwiz/authwiz/internal/profile"
)

var _ = flag.Bool // the -update flag comes from x/exp/golden

// fixedNow is the clock every test runs at.
var fixedNow = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// harness drives a wizard synchronously: each key's commands run and
// their messages are fed back before the next key. Commands that block
// (the consent's wait, timers) are left running; drain picks up what they
// send later.
type harness struct {
	t       testing.TB
	w       *wizard
	store   *fakeStore
	clip    *clipboard.Fake
	browser *browser.Stub
	ports   *fakePorts
	consent *fakeConsent
	late    chan tea.Msg
	quit    bool
	osc52   []string
	// adjust changes the wizard's dependencies before it starts.
	adjust []func(*deps)
	// frames, when set, collects the raw frames frame() takes.
	frames *[]string
}

// frame keeps the current raw frame, escapes and all, in frames.
func (h *harness) frame() {
	if h.frames != nil {
		*h.frames = append(*h.frames, h.w.View().Content)
	}
}

type harnessOpt func(*harness, **draft)

func withResumable(d profile.Draft) harnessOpt {
	return func(h *harness, _ **draft) { h.store.draft = &d }
}

func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	t.Helper()
	h := &harness{
		t:       t,
		store:   newFakeStore(fixedNow),
		clip:    &clipboard.Fake{},
		browser: &browser.Stub{},
		ports:   &fakePorts{busy: map[string]bool{}, free: 47614},
		consent: &fakeConsent{},
		late:    make(chan tea.Msg, 64),
	}
	var d *draft
	for _, o := range opts {
		o(h, &d)
	}
	dp := deps{
		profiles: h.store, drafts: h.store, consent: h.consent, clipboard: h.clip,
		browser: h.browser, ports: h.ports, now: func() time.Time { return fixedNow }, target: atlassianTarget(),
	}
	for _, a := range h.adjust {
		a(&dp)
	}
	h.w = newWizard(dp, d)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.w.Init())
	return h
}

// send delivers one message and runs what it returns.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.w.Update(msg)
	h.run(cmd)
}

// blocking are the commands that wait for something a test drives by
// hand (a timer, the consent's answer, its hint): run leaves them to
// answer later at once. Every other command answers as soon as it has
// run, however long a loaded machine takes to run it.
var blocking = []string{
	"charm.land/bubbletea/v2.Tick.",
	"tui.(*consentView).onStarted.(*consentView).wait.",
	"tui.(*consentView).onStarted.(*consentView).waitHint.",
}

// run executes cmd and feeds back its answer; a blocking command is left
// to answer later, through drain.
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	if slices.ContainsFunc(blocking, func(b string) bool { return strings.Contains(name, b) }) {
		go func() { h.late <- cmd() }()
		return
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	select {
	case msg := <-got:
		h.handle(msg)
	case <-time.After(20 * time.Second):
		h.t.Fatalf("command %s has not answered for 20 s: if it waits for something the test drives, list it in blocking", name)
	}
}

func (h *harness) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case tea.QuitMsg:
		h.quit = true
	case spinner.TickMsg, consentTickMsg:
		// Timers are driven by hand in the tests that need them.
	default:
		if s := fmt.Sprintf("%T", msg); s == "tea.setClipboardMsg" {
			h.osc52 = append(h.osc52, fmt.Sprint(msg))
			return
		}
		h.send(msg)
	}
}

// drain feeds back messages sent late, until one satisfies done.
func (h *harness) drain(done func() bool) {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for !done() {
		select {
		case msg := <-h.late:
			h.handle(msg)
		case <-deadline:
			h.t.Fatalf("timed out waiting; screen:\n%s", h.screen())
		}
	}
}

// press sends keys by name: "enter", "esc", "ctrl+c", "space", "a", …
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyPress(k))
	}
}

// typeText types s one key at a time.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// paste sends s as one bracketed paste.
func (h *harness) paste(s string) { h.send(tea.PasteMsg{Content: s}) }

func keyPress(k string) tea.KeyPressMsg {
	named := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"esc":       {Code: tea.KeyEscape},
		"space":     {Code: tea.KeySpace, Text: " "},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"pgdown":    {Code: tea.KeyPgDown},
		"end":       {Code: tea.KeyEnd},
		"backspace": {Code: tea.KeyBackspace},
		"f1":        {Code: tea.KeyF1},
	}
	if m, ok := named[k]; ok {
		return m
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// screen is the view as text, without colours or hyperlinks.
func (h *harness) screen() string { return ansi.Strip(h.w.View().Content) }

func (h *harness) resize(width, height int) { h.send(tea.WindowSizeMsg{Width: width, Height: height}) }

// stepNumber is the current step as the admin sees it (1–12).
func (h *harness) stepNumber() int { return h.w.cur.number() }

func (h *harness) wantStep(n int) {
	h.t.Helper()
	if h.stepNumber() != n {
		h.t.Fatalf("on step %d, want step %d; screen:\n%s", h.stepNumber(), n, h.screen())
	}
}

// wantText is wantScreen for text that may wrap: it renders without the
// step list (which would interleave) and compares with line breaks, frames
// and runs of spaces folded into single spaces.
func (h *harness) wantText(parts ...string) {
	h.t.Helper()
	width, height := h.w.width, h.w.height
	h.w.width, h.w.height = sidebarMinWidth-1, 100
	screen := h.screen()
	h.w.width, h.w.height = width, height
	flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╰", " ", "─", "").Replace(screen)), " ")
	for _, p := range parts {
		if !strings.Contains(flat, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, h.screen())
		}
	}
}

func (h *harness) wantScreen(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}
