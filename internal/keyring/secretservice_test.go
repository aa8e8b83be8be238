//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keyring

import (
	"bufio"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var busAddresses = []struct {
	address string
	refused string // a part of the error, or "" when accepted
}{
	{"", "is not set"},
	{"unix:path=/run/user/1000/bus", ""},
	{"unix:abstract=/tmp/dbus-E1c73yNqrG,guid=2aba22b63078dbea", ""},
	{"unix:path=/x;tcp:host=localhost,port=1", ""},
	{"unix:path=/x;", ""},
	{"autolaunch:", "autolaunch"},
	{"unix:path=/nonexistent;autolaunch:", "autolaunch"},
	{"/run/user/1000/bus", "not a D-Bus address"},
	{":path=/x", "not a D-Bus address"},
	{";", "not a D-Bus address"},
	{"\x1b]52;c;aGk=\x07", "not a D-Bus address"},
}

func TestBusAddressesThatNameNoBus(t *testing.T) {
	for _, c := range busAddresses {
		err := checkBusAddress(c.address)
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("%q refused: %v", c.address, err)
		case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
			t.Errorf("%q: got %v, want an error about %q", c.address, err, c.refused)
		case err != nil && !strings.Contains(err.Error(), busAddressVar):
			t.Errorf("%q: the error should name %s: %v", c.address, busAddressVar, err)
		}
	}
}

func FuzzCheckBusAddress(f *testing.F) {
	for _, c := range busAddresses {
		f.Add(c.address)
	}
	f.Fuzz(func(t *testing.T, address string) {
		err := checkBusAddress(address)
		if err != nil {
			if strings.Contains(err.Error(), "\x1b") {
				t.Fatalf("the error repeats the address: %q", err)
			}
			return
		}
		if strings.TrimLeft(address, ";") == "" {
			t.Fatalf("accepted an empty address %q", address)
		}
		for _, entry := range strings.Split(address, ";") {
			if strings.HasPrefix(entry, "autolaunch:") {
				t.Fatalf("accepted %q, which would start a bus", address)
			}
		}
	})
}

func TestNoBusAddressMeansNoSecretService(t *testing.T) {
	err := secretServiceReachable("", time.Second)
	if err == nil || !strings.Contains(err.Error(), systemName) || !strings.Contains(err.Error(), busAddressVar+" is not set") {
		t.Fatalf("want the keyring named and the missing address explained, got %v", err)
	}
}

func TestDeadBusAddress(t *testing.T) {
	err := secretServiceReachable("unix:path="+filepath.Join(t.TempDir(), "gone\x1b[31m"), time.Second)
	if err == nil || !strings.Contains(err.Error(), "cannot be reached") || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("want the reason, got %v", err)
	}
	if strings.Contains(err.Error(), "\x1b") {
		t.Errorf("the address from the environment reached the message: %q", err)
	}
}

// silentBus listens on a Unix socket and never says a word, like a bus
// daemon that hangs. It returns the address and a func that closes the
// socket and every connection, which cleanup also does.
func silentBus(t *testing.T) (address string, stop func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 16)
	go func() {
		defer close(accepted)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			l.Close()
			for c := range accepted {
				c.Close()
			}
		})
	}
	t.Cleanup(stop)
	return "unix:path=" + path, stop
}

func TestSilentBusIsGivenUpOn(t *testing.T) {
	address, _ := silentBus(t)
	done := make(chan error, 1)
	go func() { done <- secretServiceReachable(address, 200*time.Millisecond) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "did not answer") {
			t.Fatalf("got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the probe hung on a bus that never answers")
	}
}

// privateBus starts a D-Bus daemon of its own with nothing on it, and
// returns its address; the daemon is stopped on cleanup.
func privateBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		failOrSkipWithoutSecretService(t, "dbus-daemon is not installed (Debian: dbus-daemon)")
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "bus.conf")
	address := "unix:path=" + filepath.Join(dir, "bus")
	// No <servicedir>: nothing can be started on this bus.
	conf := `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>` + address + `</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// The socket file appears at bind, before the daemon listens, so a
	// connect in between is refused; the daemon prints its address only
	// once it accepts connections.
	cmd := exec.Command("dbus-daemon", "--config-file="+config, "--nofork", "--nosyslog", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	printed := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		printed <- strings.TrimSpace(line)
	}()
	select {
	case got := <-printed:
		if got == "" {
			t.Fatal("the private D-Bus daemon exited without printing its address")
		}
		return address
	case <-time.After(10 * time.Second):
		t.Fatal("the private D-Bus daemon did not start listening within 10s")
		return ""
	}
}

func TestBusWithoutSecretService(t *testing.T) {
	err := secretServiceReachable(privateBus(t), 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "nothing on the D-Bus session bus provides it") {
		t.Fatalf("got %v", err)
	}
}

func TestLockedCollectionIsSaidPlainly(t *testing.T) {
	gokeyringLocked := errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")
	if err := systemError(gokeyringLocked); !errors.Is(err, errLocked) {
		t.Fatalf("go-keyring's unlock failure must count as locked, got %v", err)
	}
}
