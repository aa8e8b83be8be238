// Command plainline is the floor for start-up: a Go program that prints one
// line and waits for a key.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("ready")
	var b [1]byte
	os.Stdin.Read(b[:])
	fmt.Println("key")
	os.Stdin.Read(b[:])
}
