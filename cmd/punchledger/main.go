// Command punchledger is the CLI for the punchledger library.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "punchledger: under construction")
	os.Exit(2)
}
