// Command deploy-request-gate keeps unapproved PlanetScale schema changes
// out of main. Run with no arguments in a runner (or with its INPUT_*
// variables set) it is the GitHub Action: it reads the inputs from INPUT_*
// variables and exits 0 (pass), 1 (a deploy request blocks) or 2 (it could
// not decide); at a terminal it prints the usage. With a command it is a command-line
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
	env := cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	code := cli.ExitError
	if len(os.Args) == 1 && !cli.RunsAction(os.Getenv) {
		code = cli.NoArgs(env) // a person at a terminal, not a runner
	} else {
		code = cli.Main(ctx, os.Args[1:], env)
	}
	stop()
	os.Exit(code)
}
