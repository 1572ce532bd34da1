// Command deploy-request-gate is the gate as a container action: run with no
// arguments, it reads the action's inputs from INPUT_* variables, checks the
// PlanetScale database's open deploy requests, and exits 0 (pass), 1 (a
// deploy request blocks) or 2 (it could not decide). "demo" runs the same
// gate against the built-in sandbox API.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/sethvargo/go-githubactions"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// Exit statuses.
const (
	exitPass  = 0
	exitFail  = 1
	exitError = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run dispatches on the first argument and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		a := githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(getenv))
		return runAction(ctx, a)
	}
	switch args[0] {
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "deploy-request-gate", version)
		return exitPass
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitPass
	}
	fmt.Fprintf(stderr, "deploy-request-gate: unknown command %q\n\n%s", args[0], usage)
	return exitError
}

const usage = `Usage:
  deploy-request-gate          run the gate as a GitHub Action (inputs from INPUT_* variables)
  deploy-request-gate demo     run the gate against the built-in sandbox API (demo -h for options)
  deploy-request-gate version  print the version

Exit status: 0 pass, 1 a deploy request blocks, 2 the gate could not decide (bad input, auth, API trouble).
`

// runAction runs the gate as the action. A bug that panics still ends as one
// error annotation and exit status 2 (the gate fails closed), not a stack trace.
func runAction(ctx context.Context, a *githubactions.Action) (code int) {
	defer func() {
		if p := recover(); p != nil {
			code = exitError
			a.WithFieldsMap(map[string]string{"title": "Deploy request gate crashed"}).Errorf(
				"internal error: %v. The gate fails closed; please report this with the step log.", p)
		}
	}()
	return exitCode(check.Run(ctx, a, check.Options{UserAgent: userAgent()}))
}

func userAgent() string { return "deploy-request-gate/" + version }

// exitCode maps a gate result to the process exit status.
func exitCode(r check.Result) int {
	switch r {
	case check.ResultPass:
		return exitPass
	case check.ResultFail:
		return exitFail
	}
	return exitError
}
