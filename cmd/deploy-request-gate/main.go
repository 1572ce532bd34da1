// Command deploy-request-gate keeps unapproved PlanetScale schema changes
// out of main. Run with no arguments it is the GitHub Action: it reads the
// inputs from INPUT_* variables and exits 0 (pass), 1 (a deploy request
// blocks) or 2 (it could not decide). With a command it is a command-line
// tool; "deploy-request-gate help" lists the commands. The version comes
// from package buildinfo.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/deploy-request-gate/deploy-request-gate/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
