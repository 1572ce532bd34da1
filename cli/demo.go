package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/runnersim"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// demoSetup registers the flags of demo and returns its run.
func demoSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	scenario := fs.String("scenario", "unapproved", "sandbox scenario `NAME`: "+strings.Join(sandbox.ScenarioNames(), ", ")+
		"; review cards: "+strings.Join(sandbox.CardScenarioNames(), ", ")+", or "+demoPRScenario+" (a pull request's status and comment, turned green by sync); fault scenarios: "+strings.Join(sandbox.FaultScenarioNames(), ", "))
	inputs := map[string]*string{ // the action's inputs the demo sets from its flags
		"fail-on":     fs.String("fail-on", "", "the fail-on input (`POLICY`): unapproved, undeployed, deploy-order or never (default unapproved, or the scenario's)"),
		"branch":      fs.String("branch", "", "the branch input: only requests from this `BRANCH`"),
		"into-branch": fs.String("into-branch", "", "the into-branch input: only requests into this `BRANCH`"),
	}
	return func(ctx context.Context, s *session) int {
		values := make(map[string]string, len(inputs))
		for name, v := range inputs {
			values[name] = *v
		}
		return s.orFail(demo(ctx, s.env, *scenario, values))
	}
}

func demo(ctx context.Context, env Env, scenario string, flags map[string]string) error {
	if env.Action == nil {
		return errors.New("the demo plays the GitHub Action, which main did not hand to the command line")
	}
	if scenario == demoPRScenario {
		return demoPullRequest(ctx, env)
	}
	if names, faults := demoScenarioNames(), sandbox.FaultScenarioNames(); !slices.Contains(names, scenario) && !slices.Contains(faults, scenario) {
		return fmt.Errorf("unknown scenario %q%s: choose one of %s (or a fault scenario: %s)", scenario,
			didYouMeanWord(scenario, slices.Concat(names, faults)), strings.Join(names, ", "), strings.Join(faults, ", "))
	}
	sc, err := sandbox.NewScenario(scenario, time.Now())
	if err != nil {
		return err
	}
	for name, value := range sc.Inputs { // what the scenario is built for, unless a flag says otherwise
		if flags[name] == "" {
			flags[name] = value
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	apiURL, err := sc.Server.Listen(ctx)
	if err != nil {
		return err
	}
	runner, cleanup, err := demoRunner("pull_request", `{"pull_request":{"number":42}}`)
	if err != nil {
		return err
	}
	defer cleanup()
	inputs := []struct{ name, value, shown string }{
		{"organization", sandbox.DemoOrganization, ""},
		{"database", sandbox.DemoDatabase, ""},
		{"service-token", sc.ServiceToken, "*** (a sandbox token, ID:TOKEN)"},
		{"service-token-id", "", ""},
		{"branch", flags["branch"], ""},
		{"into-branch", flags["into-branch"], ""},
		{"fail-on", flags["fail-on"], ""},
		{"api-url", apiURL, ""},
		{"timeout", "1m", ""},
	}
	out := env.Stdout
	defer asText(env)()
	fmt.Fprintf(out, "deploy-request-gate demo, scenario %q: %s\n", sc.Name, sanitize.Line(sc.Description))
	fmt.Fprintf(out, "Sandbox PlanetScale API at %s (no account, no network). The real gate runs with these inputs:\n", apiURL)
	for _, in := range inputs {
		runner.SetInputs(map[string]string{in.name: in.value})
		if in.value == "" {
			continue
		}
		shown := in.value
		if in.shown != "" {
			shown = in.shown
		}
		fmt.Fprintf(out, "  %s: %s\n", in.name, shown)
	}

	section(out, "Step log (as the runner shows it: ::add-mask:: values print as ***)")
	code := demoRun(ctx, env, runner)

	section(out, "Step outputs (GITHUB_OUTPUT)")
	outputs, err := runner.Outputs()
	if err != nil {
		fmt.Fprintf(out, "could not read the outputs: %v\n", err)
	}
	for _, o := range outputs {
		fmt.Fprintf(out, "%s=%s\n", o.Name, o.Value)
	}
	section(out, "Job summary (GITHUB_STEP_SUMMARY, Markdown)")
	summary, _ := runner.Summary()
	fmt.Fprint(out, summary)

	verdict := map[int]string{
		ExitOK:    "the step passes: the pull request check goes green",
		ExitFail:  "the step fails: the pull request check stays red while deploy requests block",
		ExitError: "the step fails closed: the gate could not decide",
	}[code]
	section(out, fmt.Sprintf("Exit status %d: %s", code, verdict))
	others := slices.DeleteFunc(demoScenarioNames(), func(n string) bool { return n == sc.Name })
	fmt.Fprintf(out, "Other scenarios: --scenario %s. Policies: --fail-on unapproved|undeployed|deploy-order|never.\n", strings.Join(others, "|"))
	return nil
}

// demoRunner makes a simulated runner for event in a temporary directory,
// which cleanup removes.
func demoRunner(event, payload string) (runner *runnersim.Runner, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "deploy-request-gate-demo-")
	if err != nil {
		return nil, nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if runner, err = runnersim.New(dir, event, payload); err != nil {
		cleanup()
		return nil, nil, err
	}
	return runner, cleanup, nil
}

// demoRun runs the action once in runner (env.Action, which main
// injects), its step log printed with the runner's masking, and returns
// its exit status.
func demoRun(ctx context.Context, env Env, runner *runnersim.Runner) int {
	log := runnersim.NewMaskingWriter(env.Stdout)
	code := env.Action(ctx, runner.Getenv, log, userAgent(env)+" (demo)")
	log.Flush()
	return code
}

// asText makes what the demo prints next text to a runner that reads it as
// a step's log (a workflow running the demo, in a container or not): it
// starts ::stop-commands:: with a random token, so the simulated step log's
// workflow commands and the statements the demo shows are not carried out,
// and returns what ends it. At a terminal, which no runner reads, it
// prints nothing.
func asText(env Env) (end func()) {
	if env.getenv("GITHUB_ACTIONS") != "true" && isTerminal(env.Stdout, env.getenv) {
		return func() {}
	}
	token := rand.Text()
	fmt.Fprintf(env.Stdout, "::stop-commands::%s\n", token)
	return func() { fmt.Fprintf(env.Stdout, "::%s::\n", token) }
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n── %s %s\n", title, strings.Repeat("─", max(3, 72-len([]rune(title)))))
}

// demoScenarioNames are the scenarios demo plays besides the fault ones:
// the sandbox's, then the pull request's.
func demoScenarioNames() []string {
	return append(append(sandbox.ScenarioNames(), sandbox.CardScenarioNames()...), demoPRScenario)
}
