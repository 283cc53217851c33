// Command punchledger is the command-line interface to the punchledger library: it keeps an
// attendance ledger in a local Pebble directory, records punches, corrections and policies,
// prints reports, and proves to an auditor what the ledger holds.
//
// Run `punchledger help` for the commands, `punchledger demo` for a guided month of remote
// work, and see the README at the top of the module for a tour and the JSON formats.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewMain().Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
