package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestCLI_NoTokenInUsageErrors gives the token where it does not belong —
// as a stray argument, as a misspelt flag's value, as another flag's value,
// as an unknown command — with the token in the environment and without:
// no message shows it or its secret part, in any form.
func TestCLI_NoTokenInUsageErrors(t *testing.T) {
	t.Parallel()
	combined := tokenID + ":" + tokenSecret
	secretTail := strings.TrimPrefix(tokenSecret, "pscale_tkn_")
	envWith := []string{"PLANETSCALE_SERVICE_TOKEN=" + combined, "PLANETSCALE_ORG=" + testOrg}
	envWithout := []string{"PLANETSCALE_ORG=" + testOrg}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"stray_argument", envWithout, []string{"check", "shop", combined}},
		{"stray_argument_token_in_env", envWith, []string{"check", "shop", combined}},
		{"stray_secret_alone", envWith, []string{"check", "shop", tokenSecret}},
		{"stray_secret_alone_not_in_env", envWithout, []string{"check", "shop", "extra", tokenSecret}},
		{"misspelt_flag_value", envWithout, []string{"check", "shop", "--service-tokn", combined}},
		{"flag_value_then_stray", envWithout, []string{"check", "shop", "--service-token=" + combined, "extra", combined}},
		{"token_as_timeout", envWithout, []string{"check", "shop", "--timeout", combined}},
		{"token_as_format", envWithout, []string{"check", "shop", "--format", combined}},
		{"token_as_api_url", envWithout, []string{"check", "shop", "--api-url", combined}},
		{"split_secret_after_unknown_flag", envWithout, []string{"check", "shop", "--service-token-id", tokenID, "--bogus", tokenSecret}},
		{"token_as_command", envWith, []string{combined}},
		{"token_as_help_topic", envWithout, []string{"help", combined}},
		{"help_with_token_flag", envWithout, []string{"check", "--service-token", combined, "--help"}},
		// Usage errors raised once the flags are read, with the token in
		// the environment or a flag: neither part is echoed.
		{"token_as_fail_on", envWith, []string{"check", "shop", "--fail-on", combined}},
		{"id_as_fail_on", envWith, []string{"check", "shop", "--fail-on", tokenID}},
		{"secret_as_fail_on_token_in_flag", envWithout, []string{"check", "shop", "--service-token", combined, "--fail-on", tokenSecret}},
		{"id_as_wait_timeout", envWith, []string{"check", "shop", "--wait-timeout", tokenID}},
		{"id_as_wait_interval", envWith, []string{"check", "shop", "--wait-interval", tokenID}},
		{"id_as_deploy_request_number", envWith, []string{"deploy-request", "shop", tokenID}},
		{"id_as_deploy_request_fail_on", envWith, []string{"deploy-request", "shop", "42", "--fail-on", tokenID}},
		{"id_as_state", envWith, []string{"deploy-requests", "shop", "--state", tokenID}},
		// Commands that call no API print nothing of the token either.
		{"secret_as_demo_scenario", envWith, []string{"demo", "--scenario", tokenSecret}},
		{"id_as_demo_scenario", envWith, []string{"demo", "--scenario", tokenID}},
		{"id_as_sandbox_listen", envWith, []string{"sandbox", "--listen", tokenID}},
		{"secret_as_completion_shell", envWith, []string{"completion", tokenSecret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCommand(t, tc.env, tc.args...) // fails on the raw forms
			out := r.stdout + r.stderr
			for _, leak := range []string{tokenID, secretTail, strings.ReplaceAll(tokenSecret, "_", `\_`), strings.ReplaceAll(combined, ":", "%3A")} {
				if strings.Contains(out, leak) {
					t.Errorf("%v shows the token as %q:\n%s", tc.args, leak, out)
				}
			}
			if tc.name != "help_with_token_flag" && (r.code != 2 || r.stderr == "") {
				t.Errorf("%v: exit %d, stderr %q; want a usage error, exit 2", tc.args, r.code, r.stderr)
			}
		})
	}
}

// envValue returns the value of key in env.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// prEvent is a pull_request payload for pull request 7 at e2eHead.
var prEvent = fmt.Sprintf(`{"action":"opened","number":7,"pull_request":{"number":7,"head":{"sha":%q,"ref":"add-index"}}}`, e2eHead)

// TestGitHub_OnlyItsOwnComment: comments with the gate's marker written by
// someone else are left alone and named in one log line a run, while
// GITHUB_TOKEN, a GitHub App's token and a personal access token each write
// and edit only their own comment, adopting the one they wrote in an
// earlier run. The others are a stranger (mallory: before the gate's first
// run, after it, and one quoting the marker) and other bots before the
// first run (dependabot[bot]; github-actions[bot] of another workflow when
// the gate runs with a GitHub App's token). Who the token is comes from
// GraphQL's viewer { login }: one query a run, never GET /user.
func TestGitHub_OnlyItsOwnComment(t *testing.T) {
	t.Parallel()
	const (
		appToken = "ghs_E2eMyAppInstallation0123456789"
		patToken = "ghp_E2ePersonalToken0123456789abcd"
	)
	marker := "<!-- deploy-request-gate:acme/shop -->"
	forged := marker + "\n## ✅ No deploy request blocks this change"
	type round struct {
		others  []string // who adds a comment with the marker before this run
		wantLog string
	}
	strangerRuns := []round{
		{[]string{"mallory"}, "left alone 1 comment with this gate's marker written by mallory (User), not by this token"},
		{[]string{"mallory"}, "left alone 2 comments with this gate's marker written by mallory (User), mallory (User)"},
	}
	for _, tc := range []struct {
		name, token, login string
		runs               []round
		quoted             bool // a stranger's comment quoting the marker is there before the first run
		own                bool // the token's own comment from an earlier run is there before the first run, after the others
	}{
		{name: "github_token_stranger", token: e2eGitHubToken, login: "github-actions[bot]", runs: strangerRuns, quoted: true},
		{name: "app_token_stranger", token: appToken, login: "my-app[bot]", runs: strangerRuns, quoted: true},
		{name: "personal_token_stranger", token: patToken, login: "release-captain", runs: strangerRuns, quoted: true},
		{name: "github_token_dependabot", token: e2eGitHubToken, login: "github-actions[bot]", runs: []round{{[]string{"dependabot[bot]"},
			"left alone 1 comment with this gate's marker written by dependabot[bot] (Bot), not by this token"}}},
		{name: "app_token_github_actions_and_dependabot", token: appToken, login: "my-app[bot]", runs: []round{{[]string{"github-actions[bot]", "dependabot[bot]"},
			"left alone 2 comments with this gate's marker written by github-actions[bot] (Bot), dependabot[bot] (Bot)"}}},
		{name: "github_token_adopts_its_own", token: e2eGitHubToken, login: "github-actions[bot]", own: true, runs: []round{{[]string{"dependabot[bot]"},
			"left alone 1 comment with this gate's marker written by dependabot[bot] (Bot)"}}},
		{name: "app_token_adopts_its_own", token: appToken, login: "my-app[bot]", own: true, runs: []round{{[]string{"github-actions[bot]"},
			"left alone 1 comment with this gate's marker written by github-actions[bot] (Bot)"}}},
		{name: "personal_token_adopts_its_own", token: patToken, login: "release-captain", own: true, runs: []round{{[]string{"github-actions[bot]", "dependabot[bot]"},
			"left alone 2 comments with this gate's marker written by github-actions[bot] (Bot), dependabot[bot] (Bot)"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, url := newAPI(t, true, []sandbox.DeployRequest{dr(105, "add-index", "ready", false)})
			gh, env := githubEnv(t, "pull_request", prEvent,
				ghsandbox.WithToken(ghsandbox.Token{Value: appToken, Login: "my-app[bot]"}),
				ghsandbox.WithToken(ghsandbox.Token{Value: patToken, Login: "release-captain"}))
			gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead})
			in := baseInputs(url)
			in["github-token"] = tc.token
			in["comment"] = "on-failure"
			others := map[int64]string{} // comment → its body
			var own int64
			for i, r := range tc.runs {
				for _, who := range r.others {
					others[gh.AddComment(e2eRepo, 7, who, forged)] = forged
				}
				if i == 0 && tc.quoted {
					quote := "> " + marker + "\n> ✅ see?"
					others[gh.AddComment(e2eRepo, 7, "mallory", quote)] = quote
				}
				if i == 0 && tc.own {
					own = gh.AddComment(e2eRepo, 7, tc.login, marker+"\n## ❌ from an earlier run")
				}
				run := runGate(t, in, env...)
				requireExit(t, run, 1)
				if !strings.Contains(run.stdout, r.wantLog) {
					t.Errorf("run %d: the log does not say %q:\n%s", i+1, r.wantLog, run.stdout)
				}
				checkNoGitHubToken(t, run, gh, 7)
			}
			var mine []ghsandbox.Comment
			for _, c := range gh.Comments(e2eRepo, 7) {
				if body, ok := others[c.ID]; ok {
					if c.Body != body {
						t.Errorf("%s's comment %d was edited to %q", c.User, c.ID, c.Body)
					}
					continue
				}
				mine = append(mine, c)
			}
			if len(mine) != 1 || mine[0].User != tc.login || !strings.HasPrefix(mine[0].Body, marker+"\n## ❌ 1 deploy request") {
				t.Errorf("the gate's comments = %+v, want one by %s saying it blocks", mine, tc.login)
			}
			if tc.own && len(mine) == 1 && mine[0].ID != own {
				t.Errorf("the gate wrote comment %d, want its own %d edited", mine[0].ID, own)
			}
			viewer, getUser := 0, 0
			for _, r := range gh.Requests() {
				switch {
				case r.Endpoint == ghsandbox.GraphQL:
					viewer++
				case r.Method == http.MethodGet && r.Path == "/user":
					getUser++
				}
			}
			if viewer != len(tc.runs) || getUser != 0 {
				t.Errorf("%d GraphQL and %d GET /user requests, want one viewer query a run (%d) and no GET /user", viewer, getUser, len(tc.runs))
			}
		})
	}
}

// TestGitHub_UnknownViewerWritesNoComment: when GitHub will not say who
// the token is (viewer { login } refused) and comments with the marker are
// there, the gate still sets its status but writes no comment: it neither
// edits a comment that may be another's nor posts one beside its own. One
// warning says why.
func TestGitHub_UnknownViewerWritesNoComment(t *testing.T) {
	t.Parallel()
	marker := "<!-- deploy-request-gate:acme/shop -->"
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(105, "add-index", "ready", false)})
	gh, env := githubEnv(t, "pull_request", prEvent)
	gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead})
	bodies := map[int64]string{
		gh.AddComment(e2eRepo, 7, "dependabot[bot]", marker+"\n## ✅ No deploy request blocks this change"): "",
		gh.AddComment(e2eRepo, 7, "github-actions[bot]", marker+"\n## ✅ from an earlier run"):              "",
	}
	for _, c := range gh.Comments(e2eRepo, 7) {
		bodies[c.ID] = c.Body
	}
	gh.Inject(ghsandbox.Forbidden.Times(10).On(ghsandbox.GraphQL))
	in := baseInputs(url)
	in["github-token"] = e2eGitHubToken
	in["comment"] = "always"
	in["status-context"] = "planetscale/shop"
	run := runGate(t, in, env...)
	if run.exitCode != 1 || run.outputs["result"] != "fail" {
		t.Fatalf("exit code %d, result %q; want 1, fail\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); !ok || st.State != "failure" {
		t.Errorf("status = %+v (set %v), want failure", st, ok)
	}
	got := gh.Comments(e2eRepo, 7)
	if len(got) != 2 {
		t.Errorf("comments = %+v, want the two there before and no other", got)
	}
	for _, c := range got {
		if c.Body != bodies[c.ID] {
			t.Errorf("comment %d by %s was edited to %q", c.ID, c.User, c.Body)
		}
	}
	warnings := annotations(run.stdout, "warning")
	if len(warnings) != 1 || !strings.Contains(warnings[0], "could not learn which account the token comments as") ||
		!strings.Contains(warnings[0], "2 with the marker left alone, none posted") || strings.Contains(warnings[0], "permissions") {
		t.Errorf("warnings = %q, want one saying the account is unknown and nothing was written\n%s", warnings, run.stdout)
	}
	checkNoGitHubToken(t, run, gh, 7)
}

// unsafeInBranch are the characters no Markdown the gate writes may hold,
// each put into a branch name: ESC, other C0, DEL, C1 and every
// bidirectional control.
var unsafeInBranch = []rune{0x1b, 0x07, 0x7f, 0x85, 0x9b, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069}

// TestGitHub_HostileBranchNames runs the gate and then sync with a deploy
// request and a pull request on a branch holding each unsafe character:
// the comment, the job summary and the sync summary show the branch with a
// space where the character was, and never the character.
func TestGitHub_HostileBranchNames(t *testing.T) {
	t.Parallel()
	for _, r := range unsafeInBranch {
		t.Run(fmt.Sprintf("U+%04X", r), func(t *testing.T) {
			t.Parallel()
			branch := "feat" + string(r) + "x"
			_, url := newAPI(t, true, []sandbox.DeployRequest{dr(105, branch, "ready", false)})
			gh, env := githubEnv(t, "pull_request", prEvent)
			gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: branch, HeadSHA: e2eHead})
			in := baseInputs(url)
			in["github-token"] = e2eGitHubToken
			in["status-context"] = "planetscale/shop"
			gate := runGate(t, in, env...)
			if gate.exitCode != 1 {
				t.Fatalf("gate exit code = %d, want 1\n%s", gate.exitCode, gate.stdout)
			}
			in["mode"] = "sync"
			sync := runGate(t, in, eventEnv(t, envValue(env, "GITHUB_API_URL"), "schedule", `{}`)...)
			if sync.exitCode != 0 {
				t.Fatalf("sync exit code = %d, want 0\n%s", sync.exitCode, sync.stdout)
			}
			comments := gh.Comments(e2eRepo, 7)
			if len(comments) != 1 {
				t.Fatalf("comments = %+v, want one", comments)
			}
			for name, text := range map[string]string{"comment": comments[0].Body, "job summary": gate.summary,
				"sync summary": sync.summary, "gate log": gate.stdout, "sync log": sync.stdout} {
				if strings.ContainsRune(text, r) {
					t.Errorf("the %s holds %U:\n%q", name, r, text)
				}
				if !strings.Contains(text, "feat x") {
					t.Errorf("the %s does not show the branch as \"feat x\":\n%s", name, text)
				}
			}
		})
	}
}

// TestGitHub_SyncCommentRefusedWarnsOnce runs sync with a token that may
// write statuses but not comments (pull-requests: read) over three blocked
// pull requests: every status is set, and the refused comment writes give
// exactly one warning, naming pull-requests: write.
func TestGitHub_SyncCommentRefusedWarnsOnce(t *testing.T) {
	t.Parallel()
	const statusOnly = "ghs_E2eStatusesOnly0123456789abcd"
	gh, run := syncThreeBlocked(t, statusOnly, "", ghsandbox.WithToken(ghsandbox.Token{Value: statusOnly, NoCommentWrites: true}))
	for i := range 3 {
		if c := gh.Comments(e2eRepo, 10+i); len(c) != 0 {
			t.Errorf("PR #%d has comments %+v", 10+i, c)
		}
	}
	warnings := annotations(run.stdout, "warning")
	if len(warnings) != 1 || !strings.Contains(warnings[0], "pull-requests: write") {
		t.Errorf("warnings = %q, want exactly one naming pull-requests: write\n%s", warnings, run.stdout)
	}
	if got := strings.Count(run.stdout, "GitHub refused it again (403), for want of \"pull-requests: write\""); got != 2 {
		t.Errorf("%d log lines for the later refusals, want 2:\n%s", got, run.stdout)
	}
}

// TestGitHub_SyncUnknownViewerWarnsOnce: sync over three blocked pull
// requests, each with a dependabot[bot] comment carrying the marker, when
// GitHub refuses viewer { login }: every status is set, no comment is
// written or edited, viewer is asked once, and one warning says why.
func TestGitHub_SyncUnknownViewerWarnsOnce(t *testing.T) {
	t.Parallel()
	marker := "<!-- deploy-request-gate:acme/shop -->"
	gh, run := syncThreeBlocked(t, e2eGitHubToken, marker+"\n## ✅ forged")
	for i := range 3 {
		if c := gh.Comments(e2eRepo, 10+i); len(c) != 1 || c[0].Body != marker+"\n## ✅ forged" {
			t.Errorf("PR #%d comments = %+v, want dependabot's alone and untouched", 10+i, c)
		}
	}
	queries := 0
	for _, r := range gh.Requests() {
		if r.Endpoint == ghsandbox.GraphQL {
			queries++
		}
	}
	if queries != 2 {
		t.Errorf("%d GraphQL queries, want 2 (the list and one viewer)", queries)
	}
	warnings := annotations(run.stdout, "warning")
	if len(warnings) != 1 || !strings.Contains(warnings[0], "could not learn which account the token comments as") {
		t.Errorf("warnings = %q, want exactly one saying the account is unknown\n%s", warnings, run.stdout)
	}
	if got := strings.Count(run.stdout, "the token's account is still not known"); got != 2 {
		t.Errorf("%d log lines for the later pull requests, want 2:\n%s", got, run.stdout)
	}
}

// syncThreeBlocked runs sync with token over three pull requests (#10 to
// #12), each on a branch with one unapproved deploy request; forged, when
// set, is a comment dependabot[bot] left on each beforehand, and GitHub
// then refuses the second GraphQL query (query 1 lists the pull requests,
// query 2 is the viewer). It requires exit 0, result pass and a failure
// status on every head, and returns the GitHub sandbox and the run.
func syncThreeBlocked(t *testing.T, token, forged string, opts ...ghsandbox.Option) (*ghsandbox.Server, gateRun) {
	t.Helper()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(1, "a", "ready", false), dr(2, "b", "ready", false), dr(3, "c", "ready", false)})
	gh, env := githubEnv(t, "schedule", `{}`, opts...)
	for i, b := range []string{"a", "b", "c"} {
		gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 10 + i, HeadRef: b, HeadSHA: fmt.Sprintf("%040x", 10+i)})
		if forged != "" {
			gh.AddComment(e2eRepo, 10+i, "dependabot[bot]", forged)
		}
	}
	if forged != "" {
		gh.Inject(ghsandbox.Forbidden.On(ghsandbox.GraphQL).AtPage(2))
	}
	in := baseInputs(url)
	in["github-token"] = token
	in["mode"] = "sync"
	run := runGate(t, in, env...)
	if run.exitCode != 0 || run.outputs["result"] != "pass" {
		t.Fatalf("exit code %d, result %q; want 0, pass\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	for i := range 3 {
		if st, ok := gh.LatestStatus(e2eRepo, fmt.Sprintf("%040x", 10+i), "planetscale/shop"); !ok || st.State != "failure" {
			t.Errorf("PR #%d status = %+v, want failure", 10+i, st)
		}
	}
	return gh, run
}
