package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// The pull request the pull-request demo plays.
const (
	demoPRScenario = "pull-request"
	demoRepo       = "acme/shop-app"
	demoPRNumber   = 42
	demoPRBranch   = "add-orders-index"
	demoPRHead     = "4c1e7f0a9b3d2e6f8a7c5b1d0e9f2a3b4c5d6e7f"
	demoGitHub     = "ghs_demoSandboxTokenNotReal0001"
	demoContext    = "planetscale/shop"
)

// demoPullRequest plays the PR status check end to end against the sandbox
// PlanetScale API and a sandbox GitHub API: the gate runs on a pull request
// and posts a red status and a comment; the deploy request is approved in
// PlanetScale; a scheduled sync run turns the pull request green.
func demoPullRequest(ctx context.Context, env Env) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sc, err := sandbox.NewScenario("unapproved", time.Now())
	if err != nil {
		return err
	}
	apiURL, err := sc.Server.Listen(ctx)
	if err != nil {
		return err
	}
	gh := ghsandbox.New(ghsandbox.WithRepo(demoRepo), ghsandbox.WithToken(ghsandbox.Token{Value: demoGitHub}))
	gh.AddPull(demoRepo, ghsandbox.PullRequest{Number: demoPRNumber, Title: "Add an index to orders", HeadRef: demoPRBranch, HeadSHA: demoPRHead})
	ghURL, err := gh.Listen(ctx)
	if err != nil {
		return err
	}
	out := env.Stdout
	defer asText(env)()
	fmt.Fprintf(out, "deploy-request-gate demo, scenario %q: a pull request from branch %s goes from blocked to green, no re-run.\n", demoPRScenario, demoPRBranch)
	fmt.Fprintf(out, "Sandbox PlanetScale API at %s and sandbox GitHub API at %s (no account, no network).\n", apiURL, ghURL)

	inputs := map[string]string{
		"organization": sandbox.DemoOrganization, "database": sandbox.DemoDatabase, "service-token": sc.ServiceToken,
		"api-url": apiURL, "timeout": "1m", "github-token": demoGitHub, "status-context": demoContext,
		"comment": "on-failure", "branch": demoPRBranch, "fail-on": "unapproved",
	}
	event := fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"head":{"sha":%q,"ref":%q}}}`, demoPRNumber, demoPRNumber, demoPRHead, demoPRBranch)
	section(out, fmt.Sprintf("1. Pull request #%d opens: its workflow runs the gate (status-context: %s, comment: on-failure)", demoPRNumber, demoContext))
	if err := demoStep(ctx, env, "pull_request", event, inputs, ghURL); err != nil {
		return err
	}
	demoShowGitHub(out, gh)

	section(out, "2. Someone approves the deploy request in PlanetScale (PlanetScale sends no webhook)")
	err = sc.Server.UpdateDeployRequests(sandbox.DemoOrganization, sandbox.DemoDatabase, func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
		for i := range drs {
			if drs[i].Branch == demoPRBranch && drs[i].State == "open" {
				drs[i].Approved = true
				fmt.Fprintf(out, "Deploy request #%d (%s → %s) is now approved.\n", drs[i].Number, drs[i].Branch, drs[i].IntoBranch)
			}
		}
		return drs
	})
	if err != nil {
		return err
	}

	section(out, "3. The scheduled sync runs (mode: sync, on: schedule): no one re-runs the pull request's job")
	delete(inputs, "branch")
	delete(inputs, "comment")
	inputs["mode"] = "sync"
	if err := demoStep(ctx, env, "schedule", `{"schedule":"*/10 * * * *"}`, inputs, ghURL); err != nil {
		return err
	}
	demoShowGitHub(out, gh)
	section(out, "The pull request's required check "+demoContext+" is green")
	fmt.Fprintf(out, "Other scenarios: --scenario %s.\n", strings.Join(sandbox.ScenarioNames(), "|"))
	return nil
}

// demoStep runs the action once as a runner would for event, and prints its
// step log with the runner's masking.
func demoStep(ctx context.Context, env Env, event, payload string, inputs map[string]string, ghURL string) error {
	runner, cleanup, err := demoRunner(event, payload)
	if err != nil {
		return err
	}
	defer cleanup()
	runner.SetInputs(inputs)
	for k, v := range map[string]string{
		"GITHUB_API_URL": ghURL, "GITHUB_REPOSITORY": demoRepo, "GITHUB_SHA": strings.Repeat("0", 40),
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "1001",
	} {
		runner.Set(k, v)
	}
	code := demoRun(ctx, env, runner)
	fmt.Fprintf(env.Stdout, "→ exit status %d (%s)\n", code, map[int]string{ExitOK: "pass", ExitFail: "fail", ExitError: "error"}[code])
	return nil
}

// demoShowGitHub prints what the pull request shows on GitHub now.
func demoShowGitHub(out io.Writer, gh *ghsandbox.Server) {
	fmt.Fprintf(out, "\nOn GitHub, pull request #%d (head %s) shows:\n", demoPRNumber, demoPRHead[:7])
	if st, ok := gh.LatestStatus(demoRepo, demoPRHead, demoContext); ok {
		fmt.Fprintf(out, "  status %s: %s — %s\n", demoContext, st.State, st.Description)
	}
	for _, c := range gh.Comments(demoRepo, demoPRNumber) {
		fmt.Fprintf(out, "  comment #%d (edited in place on every run):\n", c.ID)
		for _, line := range strings.Split(strings.TrimSpace(c.Body), "\n") {
			fmt.Fprintf(out, "    │ %s\n", line)
		}
	}
}
