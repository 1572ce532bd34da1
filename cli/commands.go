package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// scope says which settings a command reads besides its own flags.
type scope int

const (
	// local commands call no API: demo, sandbox, version.
	local scope = iota
	// account commands call the API: token, --api-url, --timeout, --format.
	account
	// organization commands need --org too.
	organization
	// database commands need --org and --database (or DATABASE).
	database
	// optionalDatabase commands need --org and take --database if given.
	optionalDatabase
)

// command is one entry of the command table.
type command struct {
	name    string
	summary string
	// about is the help text's description, in paragraphs.
	about    string
	examples []string
	// exits describes the exit statuses.
	exits string
	scope scope
	// diagnoses marks the doctor, which reports a bad token as a finding
	// instead of refusing to run.
	diagnoses bool
	// setup registers the command's own flags and returns what runs it
	// once they are parsed.
	setup func(fs *flag.FlagSet) func(ctx context.Context, s *session) int
}

const (
	exitsList  = "0 done; 2 bad usage or an error (the message says what to fix)."
	exitsCheck = "0 no deploy request blocks; 1 a deploy request blocks; 2 bad usage or the gate could not decide (it fails closed)."
)

// commands lists the commands in the order help shows them.
func commands() []*command {
	return []*command{
		organizationsCommand(),
		databasesCommand(),
		databaseCommand(),
		branchesCommand(),
		deployRequestsCommand(),
		checkCommand(),
		doctorCommand(),
		overviewCommand(),
		demoCommand(),
		sandboxCommand(),
		versionCommand(),
	}
}

// findCommand returns the named command, or nil.
func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// flagSet returns an empty flag set for the command that reports errors to
// the caller instead of printing them.
func (c *command) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// maxWords is how many words (not flags) the command takes: DATABASE for
// the commands that read one database.
func (c *command) maxWords() int {
	if c.scope == database || c.scope == optionalDatabase {
		return 1
	}
	return 0
}

// commandIndex returns the index of the first word of args that is not a
// flag or a flag's value, or -1. Any command's flag may stand before the
// command, so each is looked up in every command's flag set.
func commandIndex(args []string) int {
	sets := make([]*flag.FlagSet, 0, 16)
	for _, c := range commands() {
		fs := c.flagSet()
		var common commonFlags
		common.register(fs, database)
		c.setup(fs)
		sets = append(sets, fs)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return i + 1
			}
			return -1
		}
		if !isFlag(a) {
			return i
		}
		if takesValue(sets, a) {
			i++
		}
	}
	return -1
}

// interspersed reorders args so that the flags come first and the words
// after "--", letting flags stand anywhere among the words. A flag that
// needs a value but ends the line is an error, as the flag package says.
func interspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			words = append(words, args[i+1:]...)
			i = len(args)
		case !isFlag(a):
			words = append(words, a)
		case takesValue([]*flag.FlagSet{fs}, a):
			if i+1 == len(args) {
				return nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			flags = append(flags, a, args[i+1])
			i++
		default:
			flags = append(flags, a)
		}
	}
	return append(append(flags, "--"), words...), nil
}

func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }

// takesValue reports whether flag argument a (without "=value") names a
// flag that takes its value from the next argument in one of sets.
func takesValue(sets []*flag.FlagSet, a string) bool {
	name := strings.TrimLeft(a, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, fs := range sets {
		if f := fs.Lookup(name); f != nil {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			return !ok || !b.IsBoolFlag()
		}
	}
	return false
}
