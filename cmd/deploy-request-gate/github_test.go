package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

const (
	e2eGitHubToken = "ghs_E2eGitHubToken0123456789abcdef"
	e2eRepo        = "acme/shop-app"
	e2eHead        = "0123456789abcdef0123456789abcdef01234567"
	e2eMerge       = "fedcba9876543210fedcba9876543210fedcba98"
	e2eQueue       = "abababababababababababababababababababab"
)

// githubEnv starts a fake GitHub API under /api/v3 and returns it with the
// environment a runner gives a step for event (the payload in a file).
// More options (tokens) may be given.
func githubEnv(t *testing.T, event, payload string, opts ...ghsandbox.Option) (*ghsandbox.Server, []string) {
	t.Helper()
	opts = append([]ghsandbox.Option{ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithRepo(e2eRepo), ghsandbox.WithToken(ghsandbox.Token{Value: e2eGitHubToken})}, opts...)
	gh := ghsandbox.New(opts...)
	srv := httptest.NewServer(gh)
	t.Cleanup(srv.Close)
	return gh, eventEnv(t, srv.URL+"/api/v3", event, payload)
}

// eventEnv is the environment a runner gives a step for event (the
// payload in a file), with GitHub's API at apiURL.
func eventEnv(t *testing.T, apiURL, event, payload string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(path, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{
		"GITHUB_EVENT_NAME=" + event, "GITHUB_EVENT_PATH=" + path, "GITHUB_SHA=" + e2eMerge,
		"GITHUB_REPOSITORY=" + e2eRepo, "GITHUB_API_URL=" + apiURL,
		"GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=4242",
	}
}

func checkNoGitHubToken(t *testing.T, run gateRun, gh *ghsandbox.Server, pr int) {
	t.Helper()
	var texts string
	for _, line := range strings.Split(run.stdout, "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			texts += line + "\n"
		}
	}
	texts += run.stderr + run.outputsRaw + run.summary
	for _, c := range gh.Comments(e2eRepo, pr) {
		texts += c.Body
	}
	if strings.Contains(texts, e2eGitHubToken) || strings.Contains(texts, tokenSecret) {
		t.Errorf("a token shows in the output or a comment")
	}
}

// gitHubInputs is baseInputs(apiURL) with the GitHub token and the inputs
// in set.
func gitHubInputs(apiURL string, set map[string]string) map[string]string {
	in := baseInputs(apiURL)
	in["github-token"] = e2eGitHubToken
	for k, v := range set {
		in[k] = v
	}
	return in
}

// runChecked runs the gate as runGate does, checks that no token shows in
// what it left behind (checkNoGitHubToken, pull request pr) and stops the
// test unless it ended with exit status code.
func runChecked(t *testing.T, in map[string]string, gh *ghsandbox.Server, pr, code int, extraEnv ...string) gateRun {
	t.Helper()
	run := runGate(t, in, extraEnv...)
	checkNoGitHubToken(t, run, gh, pr)
	requireExit(t, run, code)
	return run
}

// TestGitHub_PullRequestToGreenThroughSync is the whole story a user sees:
// a pull request blocked by an unapproved deploy request gets a red status
// on its head commit and one sticky comment; the request is approved in
// PlanetScale; a scheduled sync run turns the status green, no re-run.
func TestGitHub_PullRequestToGreenThroughSync(t *testing.T) {
	t.Parallel()
	unapproved := dr(105, "add-index", "ready", false)
	ps, url := newAPI(t, true, []sandbox.DeployRequest{unapproved})
	gh, env := pullRequestEnv(t, "add-index")
	in := gitHubInputs(url, map[string]string{"status-context": "planetscale/shop", "comment": "on-failure"})

	run := runChecked(t, in, gh, 7, 1, env...)
	st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop")
	if !ok || st.State != "failure" || st.Description != "1 deploy request needs approval: #105" {
		t.Fatalf("status on the PR head = %+v (found %v), want failure", st, ok)
	}
	if run.outputs["status-sha"] != e2eHead {
		t.Errorf("status-sha = %q, want %s", run.outputs["status-sha"], e2eHead)
	}
	if c := gh.Comments(e2eRepo, 7); len(c) != 1 || !strings.Contains(c[0].Body, "deploy-request-gate:acme/shop") {
		t.Errorf("comments = %+v, want one sticky comment", c)
	}

	unapproved.Approved = true
	if err := ps.SetDeployRequests(testOrg, testDatabase, []sandbox.DeployRequest{unapproved}); err != nil {
		t.Fatal(err)
	}
	_, syncEnv := githubEnv(t, "schedule", `{"schedule":"*/10 * * * *"}`)
	syncEnv[len(syncEnv)-3] = env[len(env)-3] // the same fake GitHub API
	sync := baseInputs(url)
	sync["github-token"] = e2eGitHubToken
	sync["mode"] = "sync"
	sync["status-context"] = "planetscale/shop"
	run = runGate(t, sync, syncEnv...)
	checkNoGitHubToken(t, run, gh, 7)
	if run.exitCode != 0 {
		t.Fatalf("sync exit code = %d, want 0\n%s", run.exitCode, run.stdout)
	}
	if st, _ := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); st.State != "success" {
		t.Errorf("status after approval and sync = %+v, want success", st)
	}
	if !strings.Contains(run.stdout, "PR #7 (add-index, 0123456): success") {
		t.Errorf("sync log lacks the PR's line:\n%s", run.stdout)
	}
}

func TestGitHub_MergeGroupStatusOnQueueCommit(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(9, "a", "ready", true)})
	gh, env := githubEnv(t, "merge_group", fmt.Sprintf(`{"action":"checks_requested","merge_group":{"head_sha":%q}}`, e2eQueue))
	in := gitHubInputs(url, map[string]string{"status-context": "planetscale/shop"})
	runChecked(t, in, gh, 0, 0, env...)
	if st, ok := gh.LatestStatus(e2eRepo, e2eQueue, "planetscale/shop"); !ok || st.State != "success" {
		t.Errorf("status on the merge group head = %+v, want success", st)
	}
	if len(gh.Statuses(e2eRepo, e2eMerge)) != 0 {
		t.Error("a status landed on GITHUB_SHA")
	}
}

// TestDemo_PullRequest runs the pull request demo as a newcomer would: the
// status goes from failure to success through sync, and no token shows.
func TestDemo_PullRequest(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(gateBinary, "demo", "--scenario", "pull-request").CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	text := string(out)
	red := strings.Index(text, "status planetscale/shop: failure — 1 deploy request needs approval: #114")
	green := strings.Index(text, "status planetscale/shop: success")
	if red < 0 || green < red {
		t.Errorf("the demo does not show the status going from failure to success:\n%s", text)
	}
	if !strings.Contains(text, "## ✅ No deploy request blocks this change") {
		t.Errorf("the comment is not updated to pass:\n%s", text)
	}
	for _, secret := range []string{"ghs_demoSandboxTokenNotReal0001", sandbox.DemoToken.Secret} {
		if strings.Contains(text, secret) {
			t.Errorf("the demo shows a token")
		}
	}
}
