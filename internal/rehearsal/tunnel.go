package rehearsal

import (
	"fmt"
	"net/url"
	"strings"
)

// TunnelCommand is the ssh command that lets a browser on the admin's own
// computer reach a rehearsal running on a machine they reached over SSH:
// the consent page (the rehearsal server) and the Redirect URL (authwiz's
// listener) both live on that machine's loopback. It is empty when this is
// not an SSH session. getenv is os.Getenv in production.
func TunnelCommand(getenv func(string) string, serverPort int, redirectURL string) string {
	conn := strings.Fields(getenv("SSH_CONNECTION")) // client-ip client-port server-ip server-port
	if len(conn) != 4 {
		return ""
	}
	forwards := []string{fmt.Sprintf("-L %d:127.0.0.1:%d", serverPort, serverPort)}
	if u, err := url.Parse(redirectURL); err == nil && u.Port() != "" {
		forwards = append(forwards, fmt.Sprintf("-L %s:127.0.0.1:%s", u.Port(), u.Port()))
	}
	host := conn[2]
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if user := getenv("USER"); user != "" {
		host = user + "@" + host
	}
	port := ""
	if conn[3] != "22" {
		port = " -p " + conn[3]
	}
	return fmt.Sprintf("ssh -N%s %s %s", port, strings.Join(forwards, " "), host)
}
