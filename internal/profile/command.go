package profile

import "strings"

// Program starts every command line Command suggests. The command line
// sets it to the way this run was started (`go run ./cmd/authwiz` from a
// checkout, where no authwiz is installed), so suggestions work as printed.
var Program = "authwiz"

// Command is the authwiz command line that does verb to the profile called
// name, quoted so it can be copied into a shell: messages that tell the
// admin what to run use it.
func Command(verb, name string) string { return Program + " " + verb + " " + QuoteName(name) }

// QuoteName quotes a profile name for a command line. Double quotes work
// alike in POSIX shells, PowerShell and cmd.exe, so they are used unless the
// name holds a character one of those would expand; then POSIX single
// quotes, the only safe choice left.
func QuoteName(name string) string {
	if name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return name
	}
	if !strings.ContainsAny(name, "\"$`\\!%") {
		return `"` + name + `"`
	}
	return "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
}
