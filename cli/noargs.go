package cli

import "fmt"

// actionInputs are the action's required inputs: one of them set means
// someone runs the action by hand outside a runner, as
// docs/development.md shows.
var actionInputs = []string{"INPUT_ORGANIZATION", "INPUT_DATABASE", "INPUT_SERVICE-TOKEN"}

// RunsAction reports whether the binary run with no arguments is the
// GitHub Action: inside a runner (GITHUB_ACTIONS=true), or with one of the
// action's required inputs set in the environment. Otherwise a person at a
// terminal ran it, and main calls NoArgs instead.
func RunsAction(getenv func(string) string) bool {
	if getenv("GITHUB_ACTIONS") == "true" {
		return true
	}
	for _, name := range actionInputs {
		if getenv(name) != "" {
			return true
		}
	}
	return false
}

// NoArgs prints the usage and a one-line hint on stderr for someone who ran
// the binary with no arguments outside a runner, and returns ExitError.
func NoArgs(env Env) int {
	fmt.Fprintf(env.Stderr, "%s\ndeploy-request-gate: no command given. Try 'deploy-request-gate demo', or 'deploy-request-gate help'. (With no arguments it is the GitHub Action, which a workflow runs.)\n", usage())
	return ExitError
}
