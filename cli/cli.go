// Package cli is the command line: the binary with a command is a tool for
// people at a terminal and for CI systems other than GitHub (with no
// arguments main runs the GitHub Action, package action, instead). One table
// (commands.go) defines the commands and their flags. It knows nothing of
// the action: the demo plays it through Env.Action, which main injects.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/buildinfo"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Exit statuses.
const (
	// ExitOK: done; the gate passes.
	ExitOK = 0
	// ExitFail: the gate blocks (check), or doctor found a problem.
	ExitFail = 1
	// ExitError: bad usage, or an error kept the command from its answer.
	ExitError = 2
)

// Env is what a command runs with: the process's streams and environment,
// injected so tests can run commands in-process.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Version is the binary's version when set at link time in main;
	// buildinfo.Version is used when it is empty or "dev".
	Version string
	// Now returns the current time (default time.Now); ages are measured
	// from it.
	Now func() time.Time
	// Action runs the GitHub Action once, with getenv as the runner's
	// environment and stdout as the step log, and returns its exit status
	// (ExitOK: pass, ExitFail: fail, ExitError: could not decide). main
	// injects it; the demo plays the action through it.
	Action func(ctx context.Context, getenv func(string) string, stdout io.Writer, userAgent string) int
}

func (env Env) now() time.Time {
	if env.Now != nil {
		return env.Now()
	}
	return time.Now()
}

func (env Env) getenv(name string) string {
	if env.Getenv == nil {
		return ""
	}
	return env.Getenv(name)
}

func (env Env) version() string {
	if env.Version != "" && env.Version != buildinfo.DevVersion {
		return env.Version
	}
	return buildinfo.Version()
}

func userAgent(env Env) string { return "deploy-request-gate/" + env.version() }

// Main runs a command line: the first word that is not a flag names a
// command (flags may stand before it, as with pscale). It returns the exit
// status.
func Main(ctx context.Context, args []string, env Env) int {
	secrets := argsSecrets(args, env)
	stderr := &printer{w: env.Stderr, redactor: sanitize.NewRedactor(secrets...)}
	i := commandIndex(args)
	if i < 0 {
		if hasHelpFlag(args) {
			fmt.Fprint(env.Stdout, usage())
			return ExitOK
		}
		if len(args) == 1 && (args[0] == "--version" || args[0] == "-v") {
			return Main(ctx, []string{"version"}, env)
		}
		stderr.printf("deploy-request-gate: no command given\n\n%s", shortUsage())
		return ExitError
	}
	name, rest := args[i], append(append([]string{}, args[:i]...), args[i+1:]...)
	if name == "help" {
		return help(rest, env, stderr)
	}
	c := findCommand(name)
	if c == nil {
		stderr.printf("deploy-request-gate: unknown command %q%s\n\n%s", name, didYouMean(name), shortUsage())
		return ExitError
	}
	return c.invoke(ctx, rest, env, secrets, stderr.redactor)
}

// help prints the usage, or a command's help for "help COMMAND".
func help(args []string, env Env, stderr *printer) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(env.Stdout, usage())
		return ExitOK
	case len(args) > 1:
		fmt.Fprintf(env.Stderr, "deploy-request-gate help: give one command, such as 'deploy-request-gate help check'\n")
		return ExitError
	}
	c := findCommand(args[0])
	if c == nil {
		stderr.printf("deploy-request-gate help: unknown command %q%s\n\n%s", args[0], didYouMean(args[0]), shortUsage())
		return ExitError
	}
	fmt.Fprint(env.Stdout, c.help())
	return ExitOK
}

// invoke parses the command's flags (wherever they stand among its
// words), reads its settings and runs it. Every message it prints is
// cleared of argSecrets, the secrets the command line and the environment
// hold (see argsSecrets; redact removes them), and once the token is read,
// of each of its forms.
func (c *command) invoke(ctx context.Context, args []string, env Env, argSecrets []string, redact *sanitize.Redactor) int {
	fs := c.flagSet()
	var common commonFlags
	if c.scope != local {
		common.register(fs, c.scope, c.formatNames()...)
	}
	run := c.setup(fs)
	if hasHelpFlag(args) { // help wins over any other flag, known or not
		fmt.Fprint(env.Stdout, c.help())
		return ExitOK
	}
	args, err := interspersed(fs, args)
	if err == nil {
		err = fs.Parse(args)
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(env.Stdout, c.help())
		return ExitOK
	case err != nil:
		msg := flagMessage(err)
		if undefined, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			msg += didYouMeanFlag(fs, undefined)
		}
		return c.usageError(env, redact, msg)
	}
	words := fs.Args()
	if max := c.maxWords(); len(words) > max {
		return c.usageError(env, redact, fmt.Sprintf("unexpected argument %q", words[max]))
	}
	s := &session{env: env, cmd: c, stdout: &printer{w: env.Stdout, redactor: redact}, stderr: &printer{w: env.Stderr, redactor: redact},
		argSecrets: argSecrets, redactor: redact}
	if c.numbered && (len(words) == 2 || len(words) == 1 && isDigits(words[0])) { // NUMBER is the last word, after DATABASE
		s.number, words = words[len(words)-1], words[:len(words)-1]
	}
	if c.scope != local && isTerminal(env.Stderr, env.getenv) {
		s.progress = newProgress(env.Stderr)
		defer s.progress.done()
		s.stderr.w = s.progress.writer(env.Stderr)
		if isTerminal(env.Stdout, env.getenv) {
			s.stdout.w = s.progress.writer(env.Stdout)
		}
	}
	if c.scope != local {
		if problems := s.resolve(&common, words); len(problems) > 0 {
			for i, p := range problems {
				problems[i] = s.redactor.Redact(p) // a token given to another flag, before wrap could split it
			}
			s.stderr.printf("%s\n", problemList("deploy-request-gate "+c.name, problems, s.width()))
			return ExitError
		}
	}
	return run(ctx, s)
}

// usageError prints a short usage for a command line that does not parse
// and returns ExitError.
func (c *command) usageError(env Env, redact *sanitize.Redactor, msg string) int {
	(&printer{w: env.Stderr, redactor: redact}).printf("deploy-request-gate %s: %s\nUsage: %s\nRun 'deploy-request-gate help %s' for its flags.\n",
		c.name, msg, c.usageLine(), c.name)
	return ExitError
}

// flagMessage words an error of the flag package with the double dash
// users type.
func flagMessage(err error) string {
	msg := strings.Replace(err.Error(), "flag provided but not defined", "unknown flag", 1)
	return flagInMessage.ReplaceAllString(msg, "${1}--${2}")
}

// flagInMessage finds a flag's name in the flag package's messages: "-org",
// after ": " or "flag ".
var flagInMessage = regexp.MustCompile(`(: |flag )-{1,2}([A-Za-z])`)

// hasHelpFlag reports whether args ask for help.
func hasHelpFlag(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "-help" || a == "--help" })
}

// problemList words problems after a prefix: on one line when there is one,
// else as a list, each wrapped to width.
func problemList(prefix string, problems []string, width int) string {
	if len(problems) == 1 {
		return wrap(prefix+": "+problems[0], width, "  ")
	}
	lines := []string{prefix + ":"}
	for _, p := range problems {
		lines = append(lines, "- "+wrap(p, width-2, "  "))
	}
	return strings.Join(lines, "\n")
}

// isDigits reports whether s is a run of ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
