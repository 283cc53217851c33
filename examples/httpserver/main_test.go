package main

import "testing"

// TestSelfTest serves on loopback, posts signed (and one tampered) punches over HTTPS,
// reads the day back and checks the answers (selfTest fails on any unexpected one).
func TestSelfTest(t *testing.T) {
	if err := run("", "", true); err != nil {
		t.Fatal(err)
	}
}
