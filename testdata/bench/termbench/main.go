// Command termbench measures programs the way a person meets them: in a
// real terminal (tmux, driven through its control mode), it launches each
// program, times launch → first frame and keystroke → screen update, reads
// the peak memory, and repeats the programs interleaved so they share the
// machine's ups and downs. It prints medians side by side.
//
//	termbench -runs 15 -size 100x30 -key j name=marker=command ...
//
// marker is text that shows the first frame is up; command runs through
// the shell.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type target struct{ name, marker, command string }

type sample struct {
	firstFrame, keystroke time.Duration
	peakKiB               int
	// anonKiB and fileKiB split the resident memory after the keystroke:
	// the program's own (heap, stacks, tables it built) and the pages of
	// its binary mapped in, which other runs of it share.
	anonKiB, fileKiB int
}

func main() {
	runs := flag.Int("runs", 15, "runs of each program")
	size := flag.String("size", "100x30", "terminal size")
	keys := flag.String("key", "j", "the key to send for keystroke → screen")
	flag.Parse()
	var targets []target
	for _, arg := range flag.Args() {
		parts := strings.SplitN(arg, "=", 3)
		if len(parts) != 3 {
			fmt.Fprintln(os.Stderr, "termbench: each target is name=marker=command")
			os.Exit(2)
		}
		targets = append(targets, target{parts[0], parts[1], parts[2]})
	}
	tm, err := startTmux(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "termbench:", err)
		os.Exit(1)
	}
	defer tm.close()

	results := map[string][]sample{}
	for i := range *runs + 1 {
		for _, t := range targets {
			s, err := tm.measure(t, *keys)
			if err != nil {
				fmt.Fprintf(os.Stderr, "termbench: %s: %v\n", t.name, err)
				os.Exit(1)
			}
			if i > 0 { // the first round warms caches
				results[t.name] = append(results[t.name], s)
			}
		}
	}
	fmt.Printf("%-12s %14s %14s %10s %16s   (medians of %d interleaved runs in tmux %s)\n", "program", "first frame", "key → screen", "peak RSS", "of which anon/file", *runs, *size)
	for _, t := range targets {
		ss := results[t.name]
		fmt.Printf("%-12s %11.1f ms %11.1f ms %6.1f MiB %7.1f / %4.1f MiB\n", t.name,
			ms(median(ss, func(s sample) time.Duration { return s.firstFrame })),
			ms(median(ss, func(s sample) time.Duration { return s.keystroke })),
			mib(medianInt(ss, func(s sample) int { return s.peakKiB })),
			mib(medianInt(ss, func(s sample) int { return s.anonKiB })),
			mib(medianInt(ss, func(s sample) int { return s.fileKiB })))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mib(kib int) float64 { return float64(kib) / 1024 }

func median(ss []sample, f func(sample) time.Duration) time.Duration {
	v := make([]time.Duration, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func medianInt(ss []sample, f func(sample) int) int {
	v := make([]int, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// tmux is a tmux server on a private socket, driven through control mode.
type tmux struct {
	socket string
	cmd    *exec.Cmd
	in     io.WriteCloser

	mu      sync.Mutex
	replies chan []string
	outputs map[string][]output // pane id → output notifications
	notify  chan struct{}
}

type output struct {
	at   time.Time
	text string
}

func startTmux(size string) (*tmux, error) {
	t := &tmux{
		socket:  fmt.Sprintf("termbench-%d", os.Getpid()),
		replies: make(chan []string, 16),
		outputs: map[string][]output{},
		notify:  make(chan struct{}, 1),
	}
	t.cmd = exec.Command("tmux", "-L", t.socket, "-f", "/dev/null", "-C", "new-session", "-x", strings.Split(size, "x")[0], "-y", strings.Split(size, "x")[1])
	t.cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	var err error
	if t.in, err = t.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := t.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := t.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start tmux: %w", err)
	}
	go t.read(out)
	<-t.replies // the new-session reply
	if _, err := t.run("set -g default-size " + size); err != nil {
		return nil, err
	}
	_, err = t.run("refresh-client -C " + strings.Replace(size, "x", ",", 1))
	return t, err
}

func (t *tmux) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var block []string
	inBlock := false
	for sc.Scan() {
		line := sc.Text()
		now := time.Now()
		switch {
		case strings.HasPrefix(line, "%begin"):
			inBlock, block = true, nil
		case strings.HasPrefix(line, "%end"), strings.HasPrefix(line, "%error"):
			inBlock = false
			t.replies <- block
		case inBlock:
			block = append(block, line)
		case strings.HasPrefix(line, "%output "):
			pane, text, _ := strings.Cut(line[len("%output "):], " ")
			t.mu.Lock()
			t.outputs[pane] = append(t.outputs[pane], output{now, unescape(text)})
			t.mu.Unlock()
			select {
			case t.notify <- struct{}{}:
			default:
			}
		}
	}
	close(t.replies)
}

// unescape undoes control mode's octal escapes (\033 and friends).
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (t *tmux) run(command string) ([]string, error) {
	if _, err := io.WriteString(t.in, command+"\n"); err != nil {
		return nil, err
	}
	reply, ok := <-t.replies
	if !ok {
		return nil, fmt.Errorf("tmux ended during %q", command)
	}
	return reply, nil
}

// waitOutput waits until pane's output after index from holds marker (or,
// with marker "", any output), and returns when that output arrived.
func (t *tmux) waitOutput(pane string, from int, marker string) (time.Time, int, error) {
	deadline := time.After(10 * time.Second)
	for {
		t.mu.Lock()
		outs := t.outputs[pane]
		var seen strings.Builder
		for i := from; i < len(outs); i++ {
			seen.WriteString(outs[i].text)
			if marker == "" || strings.Contains(stripANSI(seen.String()), marker) {
				t.mu.Unlock()
				return outs[i].at, len(outs), nil
			}
		}
		t.mu.Unlock()
		select {
		case <-t.notify:
		case <-deadline:
			return time.Time{}, 0, fmt.Errorf("no %q on screen within 10s", marker)
		}
	}
}

func (t *tmux) measure(tg target, keys string) (sample, error) {
	start := time.Now()
	reply, err := t.run("new-window -P -F '#{pane_id} #{pane_pid}' " + quote(tg.command))
	if err != nil || len(reply) == 0 {
		return sample{}, fmt.Errorf("new-window: %v %v", reply, err)
	}
	pane, pid, _ := strings.Cut(reply[0], " ")
	shown, n, err := t.waitOutput(pane, 0, tg.marker)
	if err != nil {
		return sample{}, err
	}
	time.Sleep(150 * time.Millisecond) // let start-up work after the first frame settle
	t.mu.Lock()
	n = len(t.outputs[pane])
	t.mu.Unlock()
	sent := time.Now()
	if _, err := t.run("send-keys -t " + pane + " " + keys); err != nil {
		return sample{}, err
	}
	echoed, _, err := t.waitOutput(pane, n, "")
	if err != nil {
		return sample{}, err
	}
	mem := memoryOf(pid)
	if _, err := t.run("kill-pane -t " + pane); err != nil {
		return sample{}, err
	}
	return sample{firstFrame: shown.Sub(start), keystroke: echoed.Sub(sent), peakKiB: mem["VmHWM:"],
		anonKiB: mem["RssAnon:"], fileKiB: mem["RssFile:"]}, nil
}

// memoryOf reads the memory figures (VmHWM:, RssAnon:, RssFile:, in KiB)
// of the pane's process or, when the shell stayed as the pane's process,
// of its child with the highest peak.
func memoryOf(pid string) map[string]int {
	var best map[string]int
	pids := []string{pid}
	if kids, err := os.ReadFile("/proc/" + pid + "/task/" + pid + "/children"); err == nil {
		pids = append(pids, strings.Fields(string(kids))...)
	}
	for _, p := range pids {
		status, err := os.ReadFile("/proc/" + p + "/status")
		if err != nil {
			continue
		}
		mem := map[string]int{}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 {
				mem[f[0]], _ = strconv.Atoi(f[1])
			}
		}
		if mem["VmHWM:"] > best["VmHWM:"] {
			best = mem
		}
	}
	return best
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			j := i + 1
			if j < len(s) && s[j] == '[' {
				j++
				for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
					j++
				}
			} else if j < len(s) && s[j] == ']' {
				for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
					j++
				}
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (t *tmux) close() {
	t.in.Close()
	exec.Command("tmux", "-L", t.socket, "kill-server").Run()
	t.cmd.Wait()
}
