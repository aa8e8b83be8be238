package loopback

import (
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAddrs(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want []string
	}{
		{"http://localhost:47613/callback", []string{"127.0.0.1:47613", "[::1]:47613"}},
		// Host names are compared without regard to case, as browsers do:
		// LOCALHOST is this computer too.
		{"http://LOCALHOST:47613/callback", []string{"127.0.0.1:47613", "[::1]:47613"}},
		{"http://LocalHost:47613/callback", []string{"127.0.0.1:47613", "[::1]:47613"}},
		{"http://127.0.0.1:8080/cb", []string{"127.0.0.1:8080"}},
		{"http://[::1]:8080/cb", []string{"[::1]:8080"}},
		{"http://localhost/cb", []string{"127.0.0.1:80", "[::1]:80"}},
		{"https://localhost:47613/callback", nil},
		{"http://example.com:47613/callback", nil},
		{"http://localhost.example.com:47613/callback", nil},
		{"::not a url", nil},
	} {
		got, err := Addrs(tc.url)
		if tc.want == nil {
			if !errors.Is(err, ErrNotLocal) {
				t.Errorf("Addrs(%q) = %v, %v; want ErrNotLocal", tc.url, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Addrs(%q) = %v, %v; want %v", tc.url, got, err, tc.want)
		}
	}
}

func TestCheckAndFreePort(t *testing.T) {
	// A port below the dynamic range, as a Redirect URL would use.
	var l net.Listener
	var err error
	port := 40000
	for ; port < 40100; port++ {
		if l, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
	}
	if l == nil {
		t.Skip("no loopback port free here:", err)
	}
	defer l.Close()
	for _, host := range []string{"localhost", "LOCALHOST"} {
		busy := "http://" + host + ":" + strconv.Itoa(port) + "/callback"
		err = Check(busy)
		if err == nil || !strings.Contains(err.Error(), "already taken") {
			t.Fatalf("Check(%s) = %v", busy, err)
		}
		free, err := FreePort(busy)
		if err != nil || free <= port || free >= DynamicPortsStart {
			t.Fatalf("FreePort = %d, %v", free, err)
		}
		if err := Check(WithPort(busy, free)); err != nil {
			t.Fatalf("the free port is not free: %v", err)
		}
	}
	if err := Check("https://example.com/callback"); !errors.Is(err, ErrNotLocal) {
		t.Fatalf("Check(remote) = %v, want ErrNotLocal", err)
	}
}

func FuzzAddrs(f *testing.F) {
	for _, seed := range []string{"http://localhost:47613/callback", "http://LOCALHOST:1/", "http://[::1]:8/x", "https://a/b", "http://127.0.0.1", "%"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		addrs, err := Addrs(in)
		if err != nil {
			if !errors.Is(err, ErrNotLocal) || addrs != nil {
				t.Fatalf("Addrs(%q) = %v, %v", in, addrs, err)
			}
			return
		}
		for _, a := range addrs {
			host, _, err := net.SplitHostPort(a)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				t.Fatalf("Addrs(%q) offers %q, not a loopback address", in, a)
			}
		}
	})
}

func TestHostAllowed(t *testing.T) {
	cases := []struct {
		redirect, host string
		want           bool
	}{
		{"http://localhost:8765/callback", "localhost:8765", true},
		{"http://localhost:8765/callback", "LOCALHOST:8765", true},
		{"http://localhost:8765/callback", "127.0.0.1:8765", true},
		{"http://localhost:8765/callback", "[::1]:8765", true},
		{"http://localhost:8765/callback", "localhost", false},
		{"http://localhost:8765/callback", "localhost:8766", false},
		{"http://localhost:8765/callback", "evil.example:8765", false},
		{"http://localhost:8765/callback", "", false},
		{"http://127.0.0.1:8765/callback", "127.0.0.1:8765", true},
		{"http://127.0.0.1:8765/callback", "localhost:8765", false},
		{"http://localhost/callback", "localhost", true},
		{"http://localhost/callback", "localhost:80", true},
		{"https://example.com/callback", "example.com", false},
	}
	for _, c := range cases {
		if got := HostAllowed(c.redirect, c.host); got != c.want {
			t.Errorf("HostAllowed(%q, %q) = %t, want %t", c.redirect, c.host, got, c.want)
		}
	}
}
