package main

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// notFound is PlanetScale's 404, its answer to a missing grant.
var notFound = sandbox.Fault{Status: http.StatusNotFound, Body: `{"code":"not_found","message":"Not Found"}`}

var (
	addColumn  = sandbox.Operation{Table: "orders", Name: "ALTER", DDL: "ALTER TABLE `orders` ADD COLUMN `note` varchar(80)"}
	dropColumn = sandbox.Operation{Table: "coupons", Name: "ALTER", DDL: "ALTER TABLE `coupons` DROP COLUMN `legacy`", CanDropData: true}
)

// withOps is dr with operations.
func withOps(d sandbox.DeployRequest, ops ...sandbox.Operation) sandbox.DeployRequest {
	d.Operations = ops
	return d
}

// TestDeployOrder_EachCase runs the binary with fail-on: deploy-order over
// one deploy request per rule and checks the verdict, the rule the summary
// names, the outputs and the annotations.
func TestDeployOrder_EachCase(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		dr        sandbox.DeployRequest
		setup     func(*sandbox.Server)
		exit      int
		rule      string
		dropsData string
		warning   string // in a warning annotation
	}{
		{name: "additive undeployed", dr: withOps(dr(1, "add-note", "ready", true), addColumn), exit: 1, rule: "additive-undeployed"},
		{name: "additive applied", dr: withOps(dr(1, "add-note", "complete", true), addColumn), exit: 0, rule: "additive-deployed"},
		{name: "dropping unapproved", dr: withOps(dr(1, "drop-legacy", "ready", false), dropColumn), exit: 1, rule: "drops-data-unapproved",
			dropsData: "1", warning: "can drop data in table coupons"},
		{name: "dropping approved undeployed", dr: withOps(dr(1, "drop-legacy", "ready", true), dropColumn), exit: 0, rule: "drops-data-approved",
			dropsData: "1", warning: "can drop data in table coupons"},
		{name: "dropping applied", dr: withOps(dr(1, "drop-legacy", "complete", true), dropColumn), exit: 0, rule: "drops-data-deployed-first",
			dropsData: "1", warning: "deployed before this code merged"},
		{name: "pending", dr: dr(1, "computing", "pending", true), exit: 1, rule: "computing"},
		{name: "ready without operations", dr: dr(1, "computing", "ready", true), exit: 1, rule: "computing"},
		{name: "no_changes", dr: dr(1, "nothing", "no_changes", false), exit: 0, rule: "no-changes"},
		{name: "operations read per request", dr: omitOps(dr(1, "drop-legacy", "ready", false), dropColumn), exit: 1,
			rule: "drops-data-unapproved", dropsData: "1", warning: "can drop data in table coupons"},
		{name: "operations unreadable", dr: omitOps(dr(1, "drop-legacy", "ready", true), dropColumn), exit: 2,
			setup: func(s *sandbox.Server) {
				s.FailRoute(sandbox.RouteDeployment, notFound)
				s.FailRoute(sandbox.RouteOperations, notFound)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api, url := newAPI(t, true, []sandbox.DeployRequest{tc.dr})
			if tc.setup != nil {
				tc.setup(api)
			}
			run := runGate(t, map[string]string{
				"organization": testOrg, "database": testDatabase, "service-token": tokenID + ":" + tokenSecret,
				"api-url": url, "fail-on": "deploy-order",
			})
			if run.exitCode != tc.exit {
				t.Fatalf("exit code = %d, want %d\n%s\n%s", run.exitCode, tc.exit, run.stdout, run.summary)
			}
			checkRequestLine(t, run, api)
			if tc.exit == 2 {
				msg := requireUndecided(t, run)
				for _, want := range []string{"deploy request #1 could not be read", "read_deploy_request", "#operations-unreadable"} {
					if !strings.Contains(msg, want) {
						t.Errorf("the error annotation lacks %q:\n%s", want, msg)
					}
				}
				return
			}
			if !strings.Contains(run.summary, "("+tc.rule+")") {
				t.Errorf("the summary does not name rule %s:\n%s", tc.rule, run.summary)
			}
			if got := run.outputs["drops-data"]; got != tc.dropsData {
				t.Errorf("drops-data = %q, want %q", got, tc.dropsData)
			}
			if tc.exit == 1 {
				errs := annotations(run.stdout, "error")
				if len(errs) != 1 || !strings.Contains(errs[0], "holds the deploy order ("+tc.rule+")") {
					t.Errorf("error annotations = %q, want one naming rule %s", errs, tc.rule)
				}
				if !strings.Contains(run.summary, "### ❌ [#1]") || !strings.Contains(run.summary, "(rule `"+tc.rule+"`)") {
					t.Errorf("no card naming the rule for the blocking request:\n%s", run.summary)
				}
			}
			warns := annotations(run.stdout, "warning")
			if tc.warning == "" && len(warns) > 0 {
				t.Errorf("warnings = %q, want none", warns)
			}
			if tc.warning != "" && (len(warns) != 1 || !strings.Contains(warns[0], tc.warning)) {
				t.Errorf("warnings = %q, want one with %q", warns, tc.warning)
			}
		})
	}
}

// checkRequestLine checks that the run's request line counts every request
// the sandbox served, the detail reads included.
func checkRequestLine(t *testing.T, run gateRun, api *sandbox.Server) {
	t.Helper()
	m := regexp.MustCompile(`(\d+) PlanetScale API requests? made`).FindStringSubmatch(run.stdout)
	if m == nil {
		t.Errorf("no request line:\n%s", run.stdout)
		return
	}
	if got, want := m[1], strconv.Itoa(len(api.Requests())); got != want {
		t.Errorf("the request line says %s requests, the sandbox served %s", got, want)
	}
}

// TestReviewCard_FailedReadKeepsVerdict: under fail-on unapproved a refused
// card read does not change the verdict; the card says what it could not
// read and names the grant.
func TestReviewCard_FailedReadKeepsVerdict(t *testing.T) {
	t.Parallel()
	d := withOps(dr(3, "drop-legacy", "ready", true), dropColumn)
	d.OmitListOperations = true
	api, url := newAPI(t, true, []sandbox.DeployRequest{d})
	api.FailRoute(sandbox.RouteDeployment, notFound)
	api.FailRoute(sandbox.RouteOperations, notFound)
	api.FailRoute(sandbox.RouteReviews, notFound)
	run := runGate(t, map[string]string{
		"organization": testOrg, "database": testDatabase, "service-token": tokenID + ":" + tokenSecret,
		"api-url": url, "branch": "drop-legacy",
	})
	if run.exitCode != 0 || run.outputs["result"] != "pass" {
		t.Fatalf("exit %d, result %q: a failed card read changed the verdict\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	for _, want := range []string{"**Could not read:**", "- the deployment: ", "- the operations: ", "- the reviews: ",
		"the service token may lack **read\\_deploy\\_request** on the database"} {
		if !strings.Contains(run.summary, want) {
			t.Errorf("the card lacks %q:\n%s", want, run.summary)
		}
	}
	if got := run.outputs["drops-data"]; got != "" {
		t.Errorf("drops-data = %q, want empty (operations not read)", got)
	}
	if !strings.Contains(run.outputs["deploy-requests"], `"can_drop_data":false,"operations":null`) {
		t.Errorf("deploy-requests does not say the operations were not read: %s", run.outputs["deploy-requests"])
	}
}

// stamps matches the times that change from run to run.
var stamps = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?Z| UTC)`)

func stable(s string) string { return stamps.ReplaceAllString(s, "<time>") }

// serveCardScenario serves a review card scenario and returns the gate's
// inputs for it.
func serveCardScenario(t *testing.T, name string) (*sandbox.Server, map[string]string) {
	t.Helper()
	sc, err := sandbox.NewScenario(name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sc.Server)
	t.Cleanup(srv.Close)
	in := map[string]string{"organization": sandbox.DemoOrganization, "database": sandbox.DemoDatabase, "service-token": sc.ServiceToken, "api-url": srv.URL}
	maps.Copy(in, sc.Inputs)
	return sc.Server, in
}

// TestReviewCard_CommentAndSummary runs the review scenario with a pull
// request and checks the cards in the sticky comment and the job summary:
// every element, and reviews and operations read over several pages.
func TestReviewCard_CommentAndSummary(t *testing.T) {
	t.Parallel()
	api, in := serveCardScenario(t, "review")
	gh, env := pullRequestEnv(t, "feature")
	in["github-token"], in["comment"], in["status-context"] = e2eGitHubToken, "always", "planetscale/shop"
	run := runGate(t, in, env...)
	requireExit(t, run, 1)
	checkRequestLine(t, run, api)
	comments := gh.Comments(e2eRepo, 7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want 1", len(comments))
	}
	comment := comments[0].Body
	for where, text := range map[string]string{"comment": comment, "summary": run.summary} {
		for _, want := range []string{
			"## ❌ 4 deploy requests hold the deploy order",
			"| ❌ still computing (computing) |",
			"| ✅ approved, deploy after merge (drops-data-approved) |",
			"| ⚠️ deployed before the code (drops-data-deployed-first) |",
			"> **Data loss:**", "> - **ALTER** on table **coupons** can drop data.",
			"**NO\\_UNIQUE\\_KEY** on table **report\\_15**", "([docs](https://planetscale.com/docs/learn/change-single-unique-key))",
			"| no | not eligible | running |", "| yes | eligible | ⏸️ paused: Paused by an administrator during the holiday sale |",
			"**Approved by** Dana Okafor on ", "**Not approved** (1 review).",
			"<details><summary>Schema change: 14 operations on 14 tables</summary>", // two pages of operations
			"**Schema change:** no operations yet.",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the %s lacks %q", where, want)
			}
		}
	}
	testkit.Golden(t, "review_comment.md", stable(comment))
	testkit.Golden(t, "review_summary.md", stable(run.summary))
	st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop")
	if !ok || !strings.Contains(st.Description, "Deploy order: #205 deploy first, #207 still computing, #209 approve first") {
		t.Errorf("status = %+v, want one naming each blocking request's rule", st)
	}

	// With branch set, the pull request's own request gets its card even when
	// it passes: its approval is on page 2 of its reviews.
	in["branch"], in["comment"], in["status-context"] = "drop-wishlist-archive", "never", ""
	run = runGate(t, in)
	if run.exitCode != 0 {
		t.Fatalf("branch drop-wishlist-archive: exit code = %d, want 0\n%s", run.exitCode, run.stdout)
	}
	for _, want := range []string{"### ✅ [#206]", "(rule `drops-data-approved`)", "**Approved by** Dana Okafor on", "on table **wishlist\\_archive** can drop data"} {
		if !strings.Contains(run.summary, want) {
			t.Errorf("the card of #206 lacks %q:\n%s", want, run.summary)
		}
	}
}

// TestReviewCard_Hostile: table names, DDL, lint errors and reviewers built
// to break Markdown and the log stay text, and the 100 KB statement is cut.
func TestReviewCard_Hostile(t *testing.T) {
	t.Parallel()
	_, in := serveCardScenario(t, "hostile-card")
	gh, env := pullRequestEnv(t, "feature")
	in["github-token"], in["comment"] = e2eGitHubToken, "always"
	run := runGate(t, in, env...)
	requireExit(t, run, 1)
	comments := gh.Comments(e2eRepo, 7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want 1", len(comments))
	}
	for where, text := range map[string]string{"comment": comments[0].Body, "summary": run.summary} {
		for _, bad := range []string{"<script>", "<img", "<b>x</b>", "\u202e", "\x1b", "\x00", "](https://evil.example)", "javascript:"} {
			if strings.Contains(text, bad) && !insideFence(text, bad) {
				t.Errorf("the %s holds %q outside a code block", where, bad)
			}
		}
		if !strings.Contains(text, "more characters: the deploy request's page on PlanetScale shows the whole statement") {
			t.Errorf("the %s does not cut the 100 KB statement", where)
		}
		if n := utf8.RuneCountInString(text); n > 65536 {
			t.Errorf("the %s has %d characters", where, n)
		}
	}
	testkit.Golden(t, "hostile_comment.md", stable(comments[0].Body))
	for i, line := range testkit.Lines(run.stdout) {
		if strings.HasPrefix(line, "::") && !regexp.MustCompile(`^::(add-mask|debug|error title=|warning title=|notice title=)`).MatchString(line) {
			t.Errorf("stdout line %d is a workflow command the gate did not write: %q", i+1, line)
		}
	}
}

// insideFence reports whether every occurrence of s in md sits inside a
// fenced code block.
func insideFence(md, s string) bool {
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if run := len(trimmed) - len(strings.TrimLeft(trimmed, "`")); run >= 3 {
			switch {
			case fence == "":
				fence = trimmed[:run]
				continue
			case strings.TrimRight(trimmed, " ") == fence:
				fence = ""
				continue
			}
		}
		if fence == "" && strings.Contains(line, s) {
			return false
		}
	}
	return true
}

// TestReviewCard_CommentOverSizeLimit: cards that do not fit GitHub's
// comment limit are left out, blocking first, with a line saying which.
func TestReviewCard_CommentOverSizeLimit(t *testing.T) {
	t.Parallel()
	var drs []sandbox.DeployRequest
	for n := 30; n >= 1; n-- {
		var ops []sandbox.Operation
		for i := range 3 {
			ops = append(ops, sandbox.Operation{Table: fmt.Sprintf("t%d_%d", n, i), Name: "ALTER",
				DDL: fmt.Sprintf("ALTER TABLE `t%d_%d` ADD COLUMN `c` int COMMENT '%s'", n, i, strings.Repeat("x", 3900))})
		}
		drs = append(drs, withOps(dr(n, fmt.Sprintf("wide-%d", n), "ready", n%2 == 0), ops...))
	}
	_, url := newAPI(t, true, drs)
	gh, env := pullRequestEnv(t, "feature")
	run := runGate(t, map[string]string{
		"organization": testOrg, "database": testDatabase, "service-token": tokenID + ":" + tokenSecret,
		"api-url": url, "github-token": e2eGitHubToken, "comment": "always",
	}, env...)
	requireExit(t, run, 1)
	body := gh.Comments(e2eRepo, 7)[0].Body
	if n := utf8.RuneCountInString(body); n > 65536 {
		t.Errorf("the comment has %d characters, over GitHub's 65,536", n)
	}
	if !strings.Contains(body, "_Left out to stay within GitHub's size limit: the cards of ") {
		t.Errorf("the comment does not say which cards were left out")
	}
	if !strings.Contains(body, "### ❌ [#1]") || strings.Contains(body, "### ✅") {
		t.Errorf("the comment does not show blocking cards first, or shows passing ones without branch set")
	}
	if !strings.Contains(run.summary, "### ❌ [#29]") {
		t.Errorf("the summary (1 MiB) does not hold every blocking card")
	}
}

// TestCLI_DeployRequest checks each format of deploy-request against the
// review scenario, with goldens, and its usage errors.
func TestCLI_DeployRequest(t *testing.T) {
	t.Parallel()
	_, in := serveCardScenario(t, "review")
	env := append(commandEnv(in["api-url"], in["service-token"]), "PLANETSCALE_ORG=acme")
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"deploy_request_table.golden", []string{"deploy-request", "shop", "209", "--fail-on", "deploy-order"}},
		{"deploy_request_markdown.golden", []string{"deploy-request", "--database", "shop", "210", "--format", "markdown", "--fail-on", "deploy-order"}},
		{"deploy_request_json.golden", []string{"deploy-request", "shop", "206", "--format", "json"}},
	} {
		run := runCommand(t, env, tc.args...)
		if run.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", tc.args, run.code, run.stdout, run.stderr)
		}
		testkit.Golden(t, tc.golden, "$ deploy-request-gate "+strings.Join(tc.args, " ")+"\n"+stable(run.stdout))
	}
	if run := runCommand(t, env, "deploy-request", "shop", "206", "--format", "json"); !strings.Contains(run.stdout, `"state": "approved"`) ||
		strings.Count(run.stdout, `"display_name": "`) < 13 {
		t.Errorf("the JSON lacks the 13 reviews over 2 pages:\n%s", run.stdout)
	}
	if run := runCommand(t, env, "deploy-request", "shop"); run.code != 2 || !strings.Contains(run.stderr, "is not a deploy request number") && !strings.Contains(run.stderr, "no deploy request number") {
		t.Errorf("deploy-request shop: exit %d\n%s", run.code, run.stderr)
	}
	if run := runCommand(t, env, "check", "shop", "--fail-on", "deploy-order"); run.code != 1 || !strings.Contains(run.stdout, "(drops-data-unapproved)") {
		t.Errorf("check --fail-on deploy-order: exit %d\n%s%s", run.code, run.stdout, run.stderr)
	}
}

// pullRequestEnv starts a fake GitHub with pull request #7 open on branch
// ref at e2eHead and returns it with the environment of a pull_request run
// on it.
func pullRequestEnv(t *testing.T, ref string) (*ghsandbox.Server, []string) {
	t.Helper()
	gh, env := githubEnv(t, "pull_request", fmt.Sprintf(`{"action":"opened","number":7,"pull_request":{"number":7,"head":{"sha":%q,"ref":%q}}}`, e2eHead, ref))
	gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: ref, HeadSHA: e2eHead})
	return gh, env
}
