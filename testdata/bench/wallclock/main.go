// Command wallclock times whole processes: each command started and waited
// for, runs times, the commands taking turns so that a machine whose speed
// drifts slows all alike. It prints min, median and max wall time of each,
// and each command's ratio to the first, taken run by run, as a median.
// Usage: wallclock -runs N "label=command args…" …
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 200, "timed runs of each command")
	warmup := flag.Int("warmup", 3, "untimed runs of each command first")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, `usage: wallclock [-runs N] "label=command args…" …`)
		os.Exit(2)
	}
	type command struct {
		label string
		argv  []string
		times []time.Duration
	}
	var cmds []*command
	for _, spec := range flag.Args() {
		label, line, ok := strings.Cut(spec, "=")
		if !ok || len(strings.Fields(line)) == 0 {
			fmt.Fprintf(os.Stderr, "%q is not label=command\n", spec)
			os.Exit(2)
		}
		cmds = append(cmds, &command{label: label, argv: strings.Fields(line)})
	}
	for i := range *warmup + *runs {
		for _, c := range cmds {
			d, err := timeOnce(c.argv)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", c.label, err)
				os.Exit(1)
			}
			if i >= *warmup {
				c.times = append(c.times, d)
			}
		}
	}
	fmt.Printf("%d runs each, interleaved; wall time of the whole process\n", *runs)
	fmt.Printf("%-20s %9s %9s %9s %12s\n", "command", "min", "median", "max", "÷ "+cmds[0].label)
	for _, c := range cmds {
		ratios := make([]float64, len(c.times))
		for i, d := range c.times {
			ratios[i] = float64(d) / float64(cmds[0].times[i])
		}
		sorted := slices.Clone(c.times)
		slices.Sort(sorted)
		slices.Sort(ratios)
		fmt.Printf("%-20s %9s %9s %9s %11.2fx\n", c.label, ms(sorted[0]), ms(sorted[len(sorted)/2]), ms(sorted[len(sorted)-1]), ratios[len(ratios)/2])
	}
}

// timeOnce runs argv with no input and its output thrown away.
func timeOnce(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
