// Command deploy-request-gate keeps unapproved PlanetScale schema changes
// out of main. Run with no arguments in a runner (or with its INPUT_*
// variables set) it is the GitHub Action: it reads the inputs from INPUT_*
// variables and exits 0 (pass), 1 (a deploy request blocks) or 2 (it could
// not decide); at a terminal it prints the usage. With a command it is a command-line
// tool; "deploy-request-gate help" lists the commands. The version comes
// from package buildinfo.
//
// main only dispatches: the two front ends, packages action and cli, are
// peers that know nothing of each other. The command line's demo plays the
// action through the function main hands it (cli.Env.Action).
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/deploy-request-gate/deploy-request-gate/action"
	"github.com/deploy-request-gate/deploy-request-gate/buildinfo"
	"github.com/deploy-request-gate/deploy-request-gate/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs the GitHub Action with no arguments (in a runner, or with its
// INPUT_* variables set; else it prints the usage), the command line with a
// command, and returns the exit status.
func run(ctx context.Context, args []string) int {
	if len(args) == 0 && !cli.RunsAction(os.Getenv) {
		return cli.NoArgs(cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}) // a person at a terminal, not a runner
	}
	if len(args) == 0 {
		return runAction(ctx, os.Getenv, os.Stdout, "deploy-request-gate/"+buildinfo.Version())
	}
	return cli.Main(ctx, args, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Action: runAction})
}

// runAction runs the GitHub Action once, with getenv as the runner's
// environment and stdout as the step log, and returns its exit status.
func runAction(ctx context.Context, getenv func(string) string, stdout io.Writer, userAgent string) int {
	return action.Main(ctx, action.Options{Getenv: getenv, Stdout: stdout, UserAgent: userAgent})
}
