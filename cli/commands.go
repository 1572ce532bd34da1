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
	// synopsis replaces the usage line's words after the binary's name.
	synopsis string
	// words is how many words a local command takes.
	words int
	// numbered marks a command whose last word is a number (NUMBER), after
	// the optional DATABASE: session.number holds it.
	numbered bool
	// formats are the values --format takes; nil means defaultFormats.
	formats []string
	// setup registers the command's own flags and returns what runs it
	// once they are parsed.
	setup func(fs *flag.FlagSet) func(ctx context.Context, s *session) int
}

const (
	exitsList  = "0 done; 2 bad usage or an error (the message says what to fix)."
	exitsCheck = "0 no deploy request blocks; 1 a deploy request blocks; 2 bad usage or the gate could not decide (it fails closed)."
)

// commands is the command table, in the order help shows the commands.
// Each setup, beside the command's code, registers the command's own flags
// and returns what runs it.
func commands() []*command {
	return []*command{
		{
			name: "organizations", scope: account, exits: exitsList,
			summary: "list the organizations the token can see",
			about:   "Lists the PlanetScale organizations the service token has access to, over every page.",
			examples: []string{
				"deploy-request-gate organizations",
				"deploy-request-gate organizations --format json | jq -r '.[].name'",
			},
			setup: organizationsSetup,
		},
		{
			name: "databases", scope: organization, exits: exitsList,
			summary: "list an organization's databases",
			about: "Lists the databases of an organization that the service token may read, over every page. " +
				"APPROVAL says whether deploy requests wait for an approval (require_approval_for_deploy).",
			examples: []string{
				"deploy-request-gate databases --org acme",
				"deploy-request-gate databases --org acme --format json | jq -r '.[] | select(.require_approval_for_deploy | not) | .name'",
			},
			setup: databasesSetup,
		},
		{
			name: "database", scope: database, exits: exitsList,
			summary: "show one database",
			about:   "Shows one database: its kind, region, default branch and whether deploy requests need an approval.",
			examples: []string{
				"deploy-request-gate database shop --org acme",
				"deploy-request-gate database --org acme --database shop --format json | jq .require_approval_for_deploy",
			},
			setup: databaseSetup,
		},
		{
			name: "branches", scope: database, exits: exitsList,
			summary: "list a database's branches",
			about:   "Lists the branches of a database, over every page. Production branches take schema changes only through deploy requests.",
			examples: []string{
				"deploy-request-gate branches shop --org acme",
				"deploy-request-gate branches shop --org acme --format json | jq -r '.[] | select(.production) | .name'",
			},
			setup: branchesSetup,
		},
		{
			name: "deploy-requests", scope: database, exits: exitsList,
			summary: "list a database's deploy requests, every page",
			about: "Lists the deploy requests of a database, over every page: pscale reads only the first 25, " +
				"this reads 100 a page and follows the pages to the last one. By default only open requests. " +
				"DEPLOYMENT is the deployment_state (ready, queued, complete_pending_revert, …).",
			examples: []string{
				"deploy-request-gate deploy-requests shop --org acme",
				"deploy-request-gate deploy-requests shop --org acme --state all --into-branch main",
				"deploy-request-gate deploy-requests shop --org acme --format json | jq '[.[] | select(.approved | not) | .number]'",
			},
			setup: deployRequestsSetup,
		},
		{
			name: "deploy-request", scope: database, exits: exitsList, words: 2, numbered: true,
			synopsis: "deploy-request [flags] [DATABASE] NUMBER", formats: []string{"table", "json", "markdown"},
			summary: "the review card of one deploy request: its DDL, data loss, lint, approvals",
			about: `Shows the review card of one deploy request, as the action's comment shows it: its DDL, one
statement per operation grouped by table; a data-loss warning for each operation that can drop data;
lint errors with their docs links; whether it is deployable; instant-DDL eligibility; a paused deploy
queue and its reason; who approved it and when; and, with --fail-on, how the gate judges it (under
deploy-order, the rule that applied). --format markdown prints the card's Markdown; --format json the
request, its operations and its reviews as the API sent them. It reads the request, its deployment,
its operations and its reviews (every page): each needs read_deploy_request on the database.`,
			examples: []string{
				"deploy-request-gate deploy-request shop 42 --org acme",
				"deploy-request-gate deploy-request --org acme --database shop 42 --fail-on deploy-order",
				"deploy-request-gate deploy-request shop 42 --org acme --format json | jq '[.operations[] | select(.can_drop_data) | .table_name]'",
			},
			setup: deployRequestSetup,
		},
		{
			name: "check", scope: database, exits: exitsCheck, formats: []string{"table", "json", "junit", "markdown"},
			summary: "the gate: fail while open deploy requests are not approved",
			about: `The gate, as the GitHub Action runs it, for any CI (GitLab, Buildkite, CircleCI) or a pre-push hook:
it lists every open deploy request of the database (every page), keeps those that match --branch and
--into-branch, and fails while one of them is not approved (--fail-on unapproved, the default) or not
deployed (--fail-on undeployed); --fail-on never only reports. It prints a one-line verdict and a table
of the matched requests; --format junit prints a JUnit XML report instead (a test case per matched
request, a blocking one failing; one case in error when it cannot decide) for the test report of
GitLab, Jenkins or CircleCI, and --format markdown the Markdown summary the action writes (for a
Buildkite annotation or a GitLab merge request note); --markdown FILE also writes that summary. With --wait-timeout it checks again every --wait-interval until the gate
passes or the time is up, for a job that waits for an approval. When it cannot decide (no token, a
missing grant, the API failing) it exits 2: it fails closed.`,
			examples: []string{
				"deploy-request-gate check shop --org acme",
				"deploy-request-gate check shop --org acme --into-branch main --markdown gate.md",
				"deploy-request-gate check shop --org acme --format junit > deploy-requests.xml",
				"deploy-request-gate check shop --org acme --wait-timeout 30m --wait-interval 1m",
			},
			setup: checkSetup,
		},
		{
			name: "doctor", scope: optionalDatabase, diagnoses: true,
			summary: "check the token's access, and say which grant to add",
			about: `Checks, one line each, what the gate needs, as a person would: the token's form; that PlanetScale
accepts it and the organization is visible (list organizations); that the database exists (list
databases; if not, the closest names); and that each read the gate makes works (get the database,
list its deploy requests). ✓ is fine, ! a warning the gate can live with, ✗ a problem, with the fix:
the exact pscale command that adds a missing grant, with your token's ID (never its secret).
PlanetScale answers 404 both for a missing grant and, on some paths, for a revoked or mistyped token;
the doctor tells them apart by asking for the list of organizations, which answers 401 for a bad token.`,
			examples: []string{
				"deploy-request-gate doctor --org acme --database shop",
				"deploy-request-gate doctor shop --org acme --service-token \"$ID:$TOKEN\"",
			},
			exits: "0 the gate will work (warnings allowed); 1 the gate would not work (see the ✗ lines); 2 bad usage.",
			setup: doctorSetup,
		},
		{
			name: "overview", scope: organization,
			summary: "databases, their branches and the deploy requests awaiting approval",
			about: `One screen on an organization: each database the token can read, with its region, whether deploy
requests need approval, its branches (production ones by name) and how many open deploy requests
are not approved; then the open requests that need approval. ✗ marks a request that needs approval
on a database that requires it; ! one left unapproved on a database that does not require approval
(the gate with --fail-on unapproved still blocks it). Databases are read 4 at a time. A database
whose branches or deploy requests the token cannot read shows as such; the others still show.`,
			examples: []string{
				"deploy-request-gate overview --org acme",
				"deploy-request-gate overview --org acme --format json | jq -r '.[] | select(.need_approval | length > 0) | .database.name'",
			},
			exits: "0 done (databases the token cannot read are shown as such); 2 bad usage, or a read failed for another reason.",
			setup: overviewSetup,
		},
		{
			name: "demo", scope: local,
			summary: "run the real gate against the built-in sandbox API (no account, no network)",
			about: `Starts the sandbox PlanetScale API on loopback, runs the real action against it in the environment a
runner gives a container action, and prints what a workflow run would show: the step log, the outputs,
the job summary and the exit status the step would have. It exits 0 whatever the gate decides.`,
			examples: []string{"deploy-request-gate demo", "deploy-request-gate demo --scenario no-approval-required --fail-on undeployed"},
			exits:    "0 the demo ran (whatever the gate decided); 2 bad usage.",
			setup:    demoSetup,
		},
		{
			name: "sandbox", scope: local,
			summary: "serve the built-in sandbox PlanetScale API on a port until stopped",
			about: `Serves the built-in sandbox PlanetScale API until stopped (Ctrl-C) and prints, in GITHUB_OUTPUT form,
the api-url and service-token to give the gate or the commands. Organization acme holds the
databases shop (the gate's), blog, analytics (the token may read only the database itself) and billing
(the token cannot see it). Plain http is accepted by the gate only on loopback; to reach the sandbox
from elsewhere (a container), serve HTTPS with --tls-cert and point SSL_CERT_FILE at the certificate.`,
			examples: []string{
				"deploy-request-gate sandbox --scenario unapproved --listen 127.0.0.1:8080",
				"PLANETSCALE_API_URL=http://127.0.0.1:8080 PLANETSCALE_SERVICE_TOKEN=ID:TOKEN deploy-request-gate overview --org acme",
			},
			exits: "0 stopped; 2 bad usage, or the port could not be opened.",
			setup: sandboxSetup,
		},
		{
			name: "completion", scope: local, words: 1, synopsis: "completion bash|zsh|fish",
			summary: "print the shell completion script for bash, zsh or fish",
			about: `Prints a script that makes the shell complete the commands, their flags and the values of
--format, --fail-on and --scenario. Each script's first lines say how to load it for one shell or for
every shell.`,
			examples: []string{
				"source <(deploy-request-gate completion bash)",
				"deploy-request-gate completion zsh > \"${fpath[1]}/_deploy-request-gate\"",
				"deploy-request-gate completion fish > ~/.config/fish/completions/deploy-request-gate.fish",
			},
			exits: "0 printed; 2 bad usage.",
			setup: completionSetup,
		},
		{
			name: "version", scope: local,
			summary:  "print the version",
			about:    "Prints the version; --verbose adds the commit, whether the tree was modified, the Go version and the platform.",
			examples: []string{"deploy-request-gate version --verbose"},
			setup:    versionSetup,
		},
	}
}

// defaultFormats are the output formats of a command that lists.
var defaultFormats = []string{"table", "json"}

// formatNames returns the values the command's --format takes.
func (c *command) formatNames() []string {
	if c.formats == nil {
		return defaultFormats
	}
	return c.formats
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

// allFlags returns the command's flag set with every flag it takes: the
// common API flags (unless it is local) and its own. Only for listing
// them (help, completion): the values they parse into are not kept.
func (c *command) allFlags() *flag.FlagSet {
	fs := c.flagSet()
	if c.scope != local {
		new(commonFlags).register(fs, c.scope, c.formatNames()...)
	}
	c.setup(fs)
	return fs
}

// maxWords is how many words (not flags) the command takes: DATABASE for
// the commands that read one database.
func (c *command) maxWords() int {
	if c.words > 0 {
		return c.words
	}
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
			return takesArg(f)
		}
	}
	return false
}
