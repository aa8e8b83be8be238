package cli

import (
	"io"
	"testing"
)

// Every authwiz command explains itself in --help: what it does beyond its
// one line, and an example.
func TestEveryCommandHasLongHelpAndAnExample(t *testing.T) {
	root := newRootCmd(Streams{Out: io.Discard, Err: io.Discard}, nil)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "completion" || c.Name() == "help" {
			continue // cobra's own, with help of their own
		}
		if c.Long == "" || c.Example == "" {
			t.Errorf("authwiz %s --help lacks a long description or an example", c.Name())
		}
	}
}
