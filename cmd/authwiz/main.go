// Command authwiz walks an admin through Atlassian OAuth 2.0 (3LO) set-up
// and keeps the resulting authentication alive.
package main

import (
	"os"

	"github.com/authwiz/authwiz/internal/cli"
	"github.com/authwiz/authwiz/tui"
)

func main() {
	os.Exit(cli.Run(tui.Run))
}
