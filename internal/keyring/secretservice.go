//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keyring

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	dbus "github.com/godbus/dbus/v5"
)

// systemName is how messages call the store; GNOME Keyring, KWallet and
// KeePassXC all provide it through the Secret Service protocol.
const systemName = "the Secret Service keyring"

const (
	secretServiceName = "org.freedesktop.secrets"
	busAddressVar     = "DBUS_SESSION_BUS_ADDRESS"
)

// systemUsable is asked before every call and works its answer out once per
// process. Without it go-keyring runs dbus-launch when there is no session
// bus, and every run leaves a D-Bus daemon and a keyring daemon behind.
var systemUsable = sync.OnceValue(func() error {
	return secretServiceReachable(os.Getenv(busAddressVar), DefaultTimeout)
})

// secretServiceReachable says why the Secret Service on the session bus at
// address cannot be used, or nil when it can. It starts nothing: no bus,
// and no keyring daemon either.
func secretServiceReachable(address string, timeout time.Duration) error {
	if err := checkBusAddress(address); err != nil {
		return fmt.Errorf("%s cannot be used: %w", systemName, err)
	}
	_, err := within(timeout, func() (struct{}, error) {
		return struct{}{}, findSecretService(address, timeout)
	})
	if errors.Is(err, errNoAnswer) {
		return fmt.Errorf("%s cannot be used: the D-Bus session bus named by %s did not answer within %s", systemName, busAddressVar, timeout)
	}
	if err != nil {
		return fmt.Errorf("%s cannot be used: %w", systemName, err)
	}
	return nil
}

// findSecretService asks the bus whether a Secret Service runs on it or
// can be started by it, as a desktop session's bus does.
func findSecretService(address string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := dbus.Connect(address, dbus.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("the D-Bus session bus named by %s cannot be reached: %w", busAddressVar, withoutAddress(err))
	}
	defer conn.Close()
	bus := conn.BusObject()
	var running bool
	if err := bus.CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, secretServiceName).Store(&running); err != nil {
		return fmt.Errorf("ask the D-Bus session bus for the Secret Service: %w", err)
	}
	if running {
		return nil
	}
	var startable []string
	if err := bus.CallWithContext(ctx, "org.freedesktop.DBus.ListActivatableNames", 0).Store(&startable); err != nil {
		return fmt.Errorf("ask the D-Bus session bus for the Secret Service: %w", err)
	}
	if slices.Contains(startable, secretServiceName) {
		return nil
	}
	return errors.New("nothing on the D-Bus session bus provides it; start GNOME Keyring, KWallet, or KeePassXC with its Secret Service integration on")
}

// withoutAddress keeps why a connection failed ("connect: connection
// refused") but not the address, which comes from the environment and
// could hold anything, escape sequences included.
func withoutAddress(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// checkBusAddress refuses a session bus address that names no running bus.
// The address itself is never repeated: it comes from the environment and
// could hold anything.
func checkBusAddress(address string) error {
	if address == "" {
		return fmt.Errorf("%s is not set, so there is no D-Bus session bus to find it on (usual over SSH and on servers)", busAddressVar)
	}
	entries := 0
	for _, entry := range strings.Split(address, ";") {
		if entry == "" {
			continue
		}
		entries++
		transport, _, ok := strings.Cut(entry, ":")
		if !ok || transport == "" {
			return fmt.Errorf("%s is not a D-Bus address like unix:path=/run/user/1000/bus", busAddressVar)
		}
		if transport == "autolaunch" {
			return fmt.Errorf("%s asks for a new session bus to be started (autolaunch:), which would outlive authwiz", busAddressVar)
		}
	}
	if entries == 0 {
		return fmt.Errorf("%s is not a D-Bus address like unix:path=/run/user/1000/bus", busAddressVar)
	}
	return nil
}

// isLocked recognises a locked collection: go-keyring reports an unlock
// prompt nobody answered (there is no prompter without a desktop) with
// this text, and a Secret Service may also answer IsLocked outright.
func isLocked(err error) bool {
	var dbusErr dbus.Error
	if errors.As(err, &dbusErr) && dbusErr.Name == "org.freedesktop.Secret.Error.IsLocked" {
		return true
	}
	return strings.Contains(err.Error(), "failed to unlock correct collection")
}
