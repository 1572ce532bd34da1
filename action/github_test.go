package action

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

const (
	ghToken   = "ghs_TestGitHubTokenValue0123456789"
	headSHA   = "1111111111111111111111111111111111111111"
	mergeSHA  = "2222222222222222222222222222222222222222"
	queueSHA  = "3333333333333333333333333333333333333333"
	repoName  = "acme/shop-app"
	prNumber  = 42
	ghContext = "planetscale/shop"
)

// githubRun is a gate run against a fake PlanetScale API and a fake GitHub
// API served under /api/v3, as on GitHub Enterprise Server.
type githubRun struct {
	ps   *sandbox.Server
	gh   *ghsandbox.Server
	vars map[string]string
}

func newGitHubRun(t *testing.T, event string, drs ...sandbox.DeployRequest) *githubRun {
	t.Helper()
	ps, psURL := startShop(t, drs...)
	gh := ghsandbox.New(ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithRepo(repoName), ghsandbox.WithToken(ghsandbox.Token{Value: ghToken}), ghsandbox.WithPageSize(2))
	if event != "schedule" {
		gh.AddPull(repoName, ghsandbox.PullRequest{Number: prNumber, HeadRef: "feature-1", HeadSHA: headSHA})
	}
	srv := httptest.NewServer(gh)
	t.Cleanup(srv.Close)
	payloads := map[string]string{
		"pull_request":        fmt.Sprintf(`{"action":"synchronize","number":%d,"pull_request":{"number":%d,"head":{"sha":%q,"ref":"feature-1"}}}`, prNumber, prNumber, headSHA),
		"pull_request_target": fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"head":{"sha":%q,"ref":"feature-1"}}}`, prNumber, prNumber, headSHA),
		"merge_group":         fmt.Sprintf(`{"action":"checks_requested","merge_group":{"head_sha":%q,"head_ref":"refs/heads/gh-readonly-queue/main/pr-42"}}`, queueSHA),
		"push":                `{"ref":"refs/heads/main"}`,
		"schedule":            `{"schedule":"*/10 * * * *"}`,
	}
	dir := t.TempDir()
	eventPath := filepath.Join(dir, "event.json")
	if err := os.WriteFile(eventPath, []byte(payloads[event]), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := gateInputs(psURL)
	for k, v := range map[string]string{
		"INPUT_GITHUB-TOKEN": ghToken, "INPUT_COMMENT": "on-failure", "INPUT_STATUS-CONTEXT": ghContext,
		"INPUT_WAIT-TIMEOUT": "0", "INPUT_WAIT-INTERVAL": "30s", "INPUT_MODE": "gate", "INPUT_BRANCH-PREFIX": "",
		"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": eventPath, "GITHUB_SHA": mergeSHA,
		"GITHUB_REPOSITORY": repoName, "GITHUB_API_URL": srv.URL + "/api/v3", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "99",
	} {
		vars[k] = v
	}
	return &githubRun{ps: ps, gh: gh, vars: vars}
}

func (g *githubRun) run(t *testing.T) runResult {
	t.Helper()
	vars := make(map[string]string, len(g.vars))
	for k, v := range g.vars {
		vars[k] = v
	}
	r := runGate(t, vars)
	assertNoSecret(t, ghToken, r.log, map[string]string{"summary": r.summary})
	for _, c := range g.gh.Comments(repoName, prNumber) {
		for _, leak := range testkit.SecretLeaks([]string{ghToken, testSecret}, "", map[string]string{"comment": c.Body}) {
			t.Error(leak)
		}
	}
	return r
}

func (g *githubRun) latest(t *testing.T, sha string) ghsandbox.Status {
	t.Helper()
	st, ok := g.gh.LatestStatus(repoName, sha, ghContext)
	if !ok {
		t.Fatalf("no %q status on %s; statuses: %+v", ghContext, sha, g.gh.Statuses(repoName, sha))
	}
	return st
}

func TestGitHub_PullRequestBlockedThenApproved(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "pull_request", sandboxDR(105, "ready", false), sandboxDR(114, "ready", false), sandboxDR(7, "ready", true))
	r := g.run(t)
	if r.result != ResultFail {
		t.Fatalf("result = %v, want fail; log:\n%s", r.result, r.log)
	}
	st := g.latest(t, headSHA)
	if st.State != "failure" || st.Description != "2 deploy requests need approval: #105, #114" {
		t.Errorf("status = %s %q, want failure \"2 deploy requests need approval: #105, #114\"", st.State, st.Description)
	}
	if st.TargetURL != "https://github.com/acme/shop-app/actions/runs/99" {
		t.Errorf("target_url = %q, want the run", st.TargetURL)
	}
	if len(g.gh.Statuses(repoName, mergeSHA)) != 0 {
		t.Error("a status was posted on GITHUB_SHA, the merge commit")
	}
	if got := outputMap(r.outputs)["status-sha"]; got != headSHA {
		t.Errorf("status-sha = %q, want the PR head %s", got, headSHA)
	}
	comments := g.gh.Comments(repoName, prNumber)
	if len(comments) != 1 || !strings.HasPrefix(comments[0].Body, ghreport.Marker("acme", "shop")) || !strings.Contains(comments[0].Body, "2 deploy requests need approval") {
		t.Fatalf("comments = %+v, want one sticky comment with the verdict", comments)
	}
	id := comments[0].ID

	// Approved in PlanetScale: the next run turns the status green and
	// updates the same comment.
	if err := g.ps.SetDeployRequests("acme", "shop", []sandbox.DeployRequest{sandboxDR(105, "ready", true), sandboxDR(114, "ready", true), sandboxDR(7, "ready", true)}); err != nil {
		t.Fatal(err)
	}
	r = g.run(t)
	if r.result != ResultPass {
		t.Fatalf("result = %v, want pass; log:\n%s", r.result, r.log)
	}
	if st := g.latest(t, headSHA); st.State != "success" {
		t.Errorf("status after approval = %s, want success", st.State)
	}
	comments = g.gh.Comments(repoName, prNumber)
	if len(comments) != 1 || comments[0].ID != id || !strings.Contains(comments[0].Body, "No deploy request blocks this change") {
		t.Errorf("comments after approval = %+v, want comment %d updated to pass", comments, id)
	}
}

// TestGitHub_OneBlockingRequestLinksToIt: in a merge queue a status
// blocked by one deploy request links to it; on a pull request every status
// links to the run, whose summary links the request and says a maintainer
// can comment /recheck.
func TestGitHub_OneBlockingRequestLinksToIt(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "merge_group", sandboxDR(105, "ready", false))
	g.run(t)
	if st := g.latest(t, queueSHA); st.TargetURL != "https://app.planetscale.com/acme/shop/deploy-requests/105" {
		t.Errorf("merge queue: target_url = %q, want the blocking request", st.TargetURL)
	}
	g = newGitHubRun(t, "pull_request_target", sandboxDR(105, "ready", false))
	r := g.run(t)
	if st := g.latest(t, headSHA); st.TargetURL != "https://github.com/acme/shop-app/actions/runs/99" {
		t.Errorf("pull request: target_url = %q, want the run", st.TargetURL)
	}
	if !strings.Contains(r.summary, "comment `/recheck`") {
		t.Errorf("the run's summary does not say a maintainer can comment /recheck:\n%s", r.summary)
	}
}

func TestGitHub_OnFailurePassPostsNoComment(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "pull_request", sandboxDR(1, "ready", true))
	if r := g.run(t); r.result != ResultPass {
		t.Fatalf("result = %v, want pass", r.result)
	}
	if c := g.gh.Comments(repoName, prNumber); len(c) != 0 {
		t.Errorf("comments = %+v, want none on a passing run with comment: on-failure", c)
	}
}

func TestGitHub_EventsPickTheCommit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ event, sha string }{{"merge_group", queueSHA}, {"push", mergeSHA}, {"schedule", mergeSHA}} {
		t.Run(tc.event, func(t *testing.T) {
			t.Parallel()
			g := newGitHubRun(t, tc.event, sandboxDR(1, "ready", false))
			r := g.run(t)
			if st := g.latest(t, tc.sha); st.State != "failure" {
				t.Errorf("status on %s = %s, want failure", tc.sha, st.State)
			}
			if got := outputMap(r.outputs)["status-sha"]; got != tc.sha {
				t.Errorf("status-sha = %q, want %s", got, tc.sha)
			}
		})
	}
}

func TestGitHub_RefusedWritesWarnOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, wantPermission string
		fault                ghsandbox.Fault
	}{
		{"status_403", "statuses: write", ghsandbox.Forbidden.On(ghsandbox.CreateStatus)},
		{"status_404", "statuses: write", ghsandbox.NotFound.On(ghsandbox.CreateStatus)},
		{"comment_403", "pull-requests: write", ghsandbox.Forbidden.On(ghsandbox.CreateComment)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGitHubRun(t, "pull_request", sandboxDR(1, "ready", false))
			g.gh.Inject(tc.fault)
			r := g.run(t)
			if r.result != ResultFail {
				t.Errorf("result = %v, want fail: the verdict, whatever GitHub said", r.result)
			}
			warnings := annotations(r.log, "warning")
			if len(warnings) != 1 || !strings.Contains(warnings[0], tc.wantPermission) {
				t.Errorf("warnings = %q, want one naming %s", warnings, tc.wantPermission)
			}
			if outputMap(r.outputs)["result"] != "fail" || !strings.HasPrefix(r.summary, "## ❌") {
				t.Errorf("outputs or summary missing after a refused GitHub write")
			}
		})
	}
}

func TestGitHub_SecondaryRateLimitIsRetried(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "pull_request", sandboxDR(1, "ready", false))
	g.gh.Inject(ghsandbox.SecondaryRateLimit("0").On(ghsandbox.CreateStatus))
	r := g.run(t)
	if st := g.latest(t, headSHA); st.State != "failure" {
		t.Errorf("status = %s, want failure after the retry", st.State)
	}
	if w := annotations(r.log, "warning"); len(w) != 0 {
		t.Errorf("warnings = %q, want none", w)
	}
}

func TestGitHub_NoTokenNoCalls(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "pull_request", sandboxDR(1, "ready", false))
	g.vars["INPUT_GITHUB-TOKEN"] = ""
	g.run(t)
	if n := len(g.gh.Requests()); n != 0 {
		t.Errorf("%d GitHub requests with an empty github-token, want 0", n)
	}
}

func TestGitHub_WaitTurnsGreen(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "pull_request", sandboxDR(1, "ready", false))
	g.vars["INPUT_WAIT-TIMEOUT"] = "1m"
	g.vars["INPUT_WAIT-INTERVAL"] = "1ms"
	var lists atomic.Int32
	g.ps.OnRequest(func(n int, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/deploy-requests") && lists.Add(1) == 2 {
			_ = g.ps.SetDeployRequests("acme", "shop", []sandbox.DeployRequest{sandboxDR(1, "ready", true)})
		}
	})
	r := g.run(t)
	if r.result != ResultPass {
		t.Fatalf("result = %v, want pass once approved; log:\n%s", r.result, r.log)
	}
	if !slices.ContainsFunc(testkit.Lines(r.log), func(l string) bool { return strings.HasPrefix(l, "Check 1: #1 still blocks; next check at ") }) {
		t.Errorf("log does not say which requests block and when the next check is:\n%s", r.log)
	}
	states := []string{}
	for _, st := range g.gh.Statuses(repoName, headSHA) {
		states = append(states, st.State)
	}
	if !slices.Equal(states, []string{"pending", "success"}) && !slices.Equal(states, []string{"success", "pending"}) {
		t.Errorf("statuses = %v, want pending then success", states)
	}
	if st := g.latest(t, headSHA); st.State != "success" {
		t.Errorf("latest status = %s, want success", st.State)
	}
}

func TestGitHub_Sync(t *testing.T) {
	t.Parallel()
	feature := sandboxDR(1, "ready", false)
	feature.Branch = "feature-add-index"
	approved := sandboxDR(2, "ready", true)
	approved.Branch = "payments"
	g := newGitHubRun(t, "schedule", feature, approved)
	g.vars["INPUT_MODE"] = "sync"
	g.vars["INPUT_STATUS-CONTEXT"] = ""
	shas := map[int]string{}
	for i, pr := range []ghsandbox.PullRequest{
		{Number: 1, HeadRef: "feature/Add_Index"}, // matches after normalisation: blocked
		{Number: 2, HeadRef: "payments"},          // approved
		{Number: 3, HeadRef: "docs"},              // no request, red status from before: set green
		{Number: 4, HeadRef: "readme"},            // no request, no status: left alone
		{Number: 5, HeadRef: "payments", Fork: true},
	} {
		pr.HeadSHA = strings.Repeat(fmt.Sprint(i+4), 40)
		shas[pr.Number] = pr.HeadSHA
		g.gh.AddPull(repoName, pr)
	}
	g.gh.AddStatus(repoName, shas[3], ghsandbox.Status{State: "failure", Context: ghContext})
	r := g.run(t)
	if r.result != ResultPass {
		t.Fatalf("result = %v, want pass; log:\n%s", r.result, r.log)
	}
	for n, want := range map[int]string{1: "failure", 2: "success", 3: "success"} {
		if st := g.latest(t, shas[n]); st.State != want {
			t.Errorf("PR #%d status = %s %q, want %s", n, st.State, st.Description, want)
		}
	}
	if st := g.latest(t, shas[3]); st.Description != "no open deploy request for branch docs" {
		t.Errorf("PR #3 description = %q", st.Description)
	}
	for _, n := range []int{4, 5} {
		if got := g.gh.Statuses(repoName, shas[n]); len(got) != 0 {
			t.Errorf("PR #%d got statuses %+v, want it left alone", n, got)
		}
	}
	lists := 0
	for _, req := range g.ps.Requests() {
		if strings.HasSuffix(req.Path, "/deploy-requests") {
			lists++
		}
	}
	if lists != 1 {
		t.Errorf("%d deploy request listings, want one per database per run", lists)
	}
	if n := len(testkit.LinesWithPrefix(r.log, "PR #")); n != 5 {
		t.Errorf("%d log lines for PRs, want one per PR:\n%s", n, r.log)
	}
}

// TestGitHub_ReportOneOrSeveralDatabases: gate mode over one database and
// over several reports through the same steps: a status per status
// context, the one sticky comment (per the comment input), one line
// counting the GitHub requests made, and status-sha when a status was set;
// with no status context and comment never it makes no GitHub request.
func TestGitHub_ReportOneOrSeveralDatabases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, database, statusContext, comment string
		wantStatuses                           map[string]string // context: state
		wantMarker                             string            // "": no comment
	}{
		{name: "one_status_and_comment", database: "shop", statusContext: ghContext, comment: "on-failure",
			wantStatuses: map[string]string{ghContext: "failure"}, wantMarker: ghreport.Marker("acme", "shop")},
		{name: "one_comment_only", database: "shop", comment: "always", wantMarker: ghreport.Marker("acme", "shop")},
		{name: "one_status_only", database: "shop", statusContext: ghContext, comment: "never", wantStatuses: map[string]string{ghContext: "failure"}},
		{name: "one_nothing_to_report", database: "shop", comment: "never"},
		{name: "several", database: "shop\nbilling", comment: "on-failure",
			wantStatuses: map[string]string{"planetscale/shop": "failure", "planetscale/billing": "success"},
			wantMarker:   ghreport.DatabasesMarker("acme", []string{"shop", "billing"})},
		{name: "several_statuses_only", database: "shop,billing", statusContext: "db/{database}", comment: "never",
			wantStatuses: map[string]string{"db/shop": "failure", "db/billing": "success"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGitHubRun(t, "pull_request")
			g.withBilling(t, []sandbox.DeployRequest{sandboxDR(105, "ready", false)}, sandboxDR(7, "ready", true))
			g.vars["INPUT_DATABASE"] = tc.database
			g.vars["INPUT_STATUS-CONTEXT"] = tc.statusContext
			g.vars["INPUT_COMMENT"] = tc.comment
			r := g.run(t)
			if r.result != ResultFail {
				t.Fatalf("result = %v, want fail; log:\n%s", r.result, r.log)
			}
			statuses := g.gh.Statuses(repoName, headSHA)
			got := map[string]string{}
			for _, st := range statuses {
				got[st.Context] = st.State
			}
			if len(statuses) != len(tc.wantStatuses) || !maps.Equal(got, tc.wantStatuses) {
				t.Errorf("statuses = %+v, want %v", statuses, tc.wantStatuses)
			}
			comments := g.gh.Comments(repoName, prNumber)
			switch {
			case tc.wantMarker == "" && len(comments) != 0:
				t.Errorf("comments = %+v, want none", comments)
			case tc.wantMarker != "" && (len(comments) != 1 || !strings.HasPrefix(comments[0].Body, tc.wantMarker) || !strings.Contains(comments[0].Body, "/recheck")):
				t.Errorf("comments = %+v, want one with marker %s and the /recheck note", comments, tc.wantMarker)
			}
			wantSHA := ""
			if len(tc.wantStatuses) > 0 {
				wantSHA = headSHA
			}
			if got := outputMap(r.outputs)["status-sha"]; got != wantSHA {
				t.Errorf("status-sha = %q, want %q", got, wantSHA)
			}
			n := len(g.gh.Requests())
			counted := slices.DeleteFunc(testkit.Lines(r.log), func(l string) bool { return !strings.HasSuffix(l, " made") || !strings.Contains(l, "GitHub request") })
			var want []string
			switch {
			case n == 1:
				want = []string{"1 GitHub request made"}
			case n > 1:
				want = []string{fmt.Sprintf("%d GitHub requests made", n)}
			}
			if !slices.Equal(counted, want) {
				t.Errorf("request lines = %q, want %q (the sandbox saw %d)", counted, want, n)
			}
		})
	}
}

// TestGitHub_SyncSeveralDatabasesCommentsOnce: a sync over two databases
// gathers each pull request's outcome per database and writes each
// changed pull request's one comment once, at the end, with a section
// per database: also a pull request whose red statuses it sets green in
// both databases, as no deploy request matches its branch any more. The
// sandbox counts one comment listing and one comment write per changed
// pull request, none for the one left alone.
func TestGitHub_SyncSeveralDatabasesCommentsOnce(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "schedule")
	g.withBilling(t, []sandbox.DeployRequest{sandboxDR(1, "ready", false)}, sandboxDR(7, "ready", true))
	g.vars["INPUT_DATABASE"] = "shop\nbilling"
	g.vars["INPUT_MODE"] = "sync"
	g.vars["INPUT_STATUS-CONTEXT"] = ""
	g.vars["INPUT_COMMENT"] = "always"
	shas := map[int]string{}
	for i, pr := range []ghsandbox.PullRequest{
		{Number: 1, HeadRef: "feature-1"}, // blocked in shop, no request in billing
		{Number: 3, HeadRef: "docs"},      // no request anywhere, red in both from before: set green in both
		{Number: 4, HeadRef: "readme"},    // no request, no status: left alone
	} {
		pr.HeadSHA = strings.Repeat(fmt.Sprint(i+4), 40)
		shas[pr.Number] = pr.HeadSHA
		g.gh.AddPull(repoName, pr)
	}
	for _, c := range []string{"planetscale/shop", "planetscale/billing"} {
		g.gh.AddStatus(repoName, shas[3], ghsandbox.Status{State: "failure", Context: c})
	}
	r := g.run(t)
	if r.result != ResultPass {
		t.Fatalf("result = %v, want pass; log:\n%s", r.result, r.log)
	}
	count := map[ghsandbox.Endpoint]int{}
	for _, q := range g.gh.Requests() {
		count[q.Endpoint]++
	}
	if count[ghsandbox.CreateStatus] != 3 || count[ghsandbox.ListComments] != 2 || count[ghsandbox.CreateComment] != 2 || count[ghsandbox.EditComment] != 0 {
		t.Errorf("requests by endpoint = %v, want 3 status writes (#1 shop, #3 both), and one comment listing and one comment write for each of #1 and #3", count)
	}
	for n, want := range map[int][]string{
		1: {"| acme/shop | ❌ fail |", "| acme/billing | ✅ pass |"},
		3: {"| acme/shop | ✅ pass |", "| acme/billing | ✅ pass |"},
	} {
		c := g.gh.Comments(repoName, n)
		if len(c) != 1 || !strings.HasPrefix(c[0].Body, ghreport.DatabasesMarker("acme", []string{"shop", "billing"})) {
			t.Fatalf("comments on #%d = %+v, want one over both databases", n, c)
		}
		for _, s := range want {
			if !strings.Contains(c[0].Body, s) {
				t.Errorf("comment on #%d lacks %q:\n%s", n, s, c[0].Body)
			}
		}
		if blocked := n == 1; strings.Contains(c[0].Body, "/recheck") != blocked {
			t.Errorf("comment on #%d: the /recheck note shown = %t, want %t (only while a database blocks):\n%s", n, !blocked, blocked, c[0].Body)
		}
	}
	if c := g.gh.Comments(repoName, 4); len(c) != 0 {
		t.Errorf("comments on #4 = %+v, want none: its statuses did not change", c)
	}
}

// TestGitHub_SyncSeveralDatabasesStatusRefused: over several databases, a
// pull request whose red status sync could not set green (no deploy
// request for its branch there) still shows that database's outcome in the
// comment another database's change writes.
func TestGitHub_SyncSeveralDatabasesStatusRefused(t *testing.T) {
	t.Parallel()
	g := newGitHubRun(t, "schedule")
	g.withBilling(t, []sandbox.DeployRequest{sandboxDR(1, "ready", false)})
	g.vars["INPUT_DATABASE"] = "billing\nshop" // billing's write, the first, is refused
	g.vars["INPUT_MODE"] = "sync"
	g.vars["INPUT_STATUS-CONTEXT"] = ""
	g.vars["INPUT_COMMENT"] = "always"
	sha := strings.Repeat("4", 40)
	g.gh.AddPull(repoName, ghsandbox.PullRequest{Number: 1, HeadRef: "feature-1", HeadSHA: sha})
	g.gh.AddStatus(repoName, sha, ghsandbox.Status{State: "failure", Context: "planetscale/billing"})
	g.gh.Inject(ghsandbox.Forbidden.On(ghsandbox.CreateStatus))
	r := g.run(t)
	if r.result != ResultError {
		t.Fatalf("result = %v, want error (a status not set); log:\n%s", r.result, r.log)
	}
	if st, ok := g.gh.LatestStatus(repoName, sha, "planetscale/billing"); !ok || st.State != "failure" {
		t.Errorf("planetscale/billing = %+v, want the old failure: its write was refused", st)
	}
	if st, ok := g.gh.LatestStatus(repoName, sha, "planetscale/shop"); !ok || st.State != "failure" {
		t.Errorf("planetscale/shop = %+v (found %v), want failure", st, ok)
	}
	c := g.gh.Comments(repoName, 1)
	if len(c) != 1 || !strings.Contains(c[0].Body, "| acme/shop | ❌ fail |") || !strings.Contains(c[0].Body, "| acme/billing | ✅ pass |") || strings.Contains(c[0].Body, "Not checked") {
		t.Errorf("comments = %+v, want one with shop failing and billing passing", c)
	}
}

// withBilling points the run at a sandbox serving acme/shop holding shop
// and acme/billing holding billing, both readable with the test token.
func (g *githubRun) withBilling(t *testing.T, shop []sandbox.DeployRequest, billing ...sandbox.DeployRequest) {
	t.Helper()
	token := testToken
	token.Grants = map[string][]string{"acme/shop": {"read_deploy_request", "read_database"}, "acme/billing": {"read_deploy_request", "read_database"}}
	_, url := startSandbox(t, sandbox.WithDatabase(shopDB(shop...)),
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "billing", RequireApproval: true, DeployRequests: billing}), sandbox.WithToken(token))
	g.vars["INPUT_API-URL"] = url
}

// TestGitHub_SyncSeveralDatabasesUndecided: a sync over shop and billing
// in which billing could not be decided for a pull request whose status
// changed in shop: its one comment has billing's row as could not check,
// billing's section says why, shop's section is as usual, the /recheck
// note is there, and the run's result is error.
//   - billing_unreadable: the token has no grant on billing, so its list
//     answers 404 and sync has no verdict of billing for any pull request:
//     the comment's billing section says "Not checked by this sync run: see
//     the run." (the gate's text for the 404 is in the run's summary and
//     its error annotation), and no billing status is set.
//   - billing_operations_unreadable: under fail-on deploy-order the
//     operations of billing's request, left out of the list, answer 404:
//     billing's status is error and billing's section carries the text the
//     gate writes for that (naming the grant).
//   - billing_status_refused: billing's status write is refused, so this
//     sync has no verdict of billing to show either: "Not checked" again.
func TestGitHub_SyncSeveralDatabasesUndecided(t *testing.T) {
	t.Parallel()
	notFound := sandbox.Fault{Status: http.StatusNotFound, Body: `{"code":"not_found","message":"Not Found"}`}
	read := []string{"read_deploy_request", "read_database"}
	notChecked := []string{"Not checked by this sync run: see the run."}
	for _, tc := range []struct {
		name      string
		databases []string
		setup     func(t *testing.T, g *githubRun)
		// wantStatuses are the statuses on the head, by context: state and description.
		wantStatuses map[string]string
		wantShop     string   // shop section's headline
		wantBilling  []string // in billing's section
		wantSummary  []string // in the run's summary
		wantError    string   // in the one error annotation ("": none)
		wantWarning  string   // the one warning's title
	}{
		{
			name: "billing_unreadable", databases: []string{"shop", "billing"},
			setup: func(t *testing.T, g *githubRun) {
				g.withDatabases(t, read, nil, []sandbox.DeployRequest{sandboxDR(1, "ready", false)}, sandboxDR(7, "ready", true))
			},
			wantStatuses: map[string]string{"planetscale/shop": "failure: 1 deploy request needs approval: #1"},
			wantShop:     "❌ 1 deploy request needs approval",
			wantBilling:  notChecked,
			wantSummary: []string{"Database: **acme/billing**", "the service token lacks `read_deploy_request` on &quot;billing&quot;",
				"PlanetScale API answered 404 Not Found", "troubleshooting.md#not-found"},
			wantError:   "title=Deploy request gate could not decide for billing::acme/billing: Organization \"acme\" or database \"billing\" not found",
			wantWarning: "Sync could not set every status",
		},
		{
			name: "billing_operations_unreadable", databases: []string{"shop", "billing"},
			setup: func(t *testing.T, g *githubRun) {
				s := sandboxDR(1, "ready", false)
				s.Operations = []sandbox.Operation{{Table: "orders", Name: "ALTER", DDL: "ALTER TABLE `orders` ADD COLUMN `note` varchar(80)"}}
				b := sandboxDR(7, "ready", true)
				b.Branch = "feature-1"
				b.Operations = []sandbox.Operation{{Table: "coupons", Name: "ALTER", DDL: "ALTER TABLE `coupons` DROP COLUMN `legacy`", CanDropData: true}}
				b.OmitListOperations = true
				ps := g.withDatabases(t, read, read, []sandbox.DeployRequest{s}, b)
				// shop's list carries its operations: only billing's #7 is read.
				ps.FailRoute(sandbox.RouteDeployment, notFound)
				ps.FailRoute(sandbox.RouteOperations, notFound)
				g.vars["INPUT_FAIL-ON"] = "deploy-order"
			},
			wantStatuses: map[string]string{"planetscale/shop": "failure: Deploy order: #1 deploy first",
				"planetscale/billing": "error: Could not check the deploy requests: see the run"},
			wantShop: "❌ 1 deploy request holds the deploy order",
			wantBilling: []string{"With the `fail-on` input set to deploy-order, the operations of each deploy request decide the verdict",
				"could not be read \\(404: the request is gone, or the service token lacks `read_deploy_request`\\)",
				"Grant the service token `read_deploy_request` on database &quot;billing&quot;",
				"Error: fail-on deploy-order cannot decide: could not read the operations of deploy request",
				"(https://github.com/deploy-request-gate/deploy-request-gate/blob/main/docs/troubleshooting.md#operations-unreadable)"},
			wantSummary: []string{"could not decide: the operations of deploy request \\#\u200b7 could not be read"},
			wantWarning: "Sync could not decide every pull request (its status is error)",
		},
		{
			name: "billing_status_refused", databases: []string{"billing", "shop"}, // billing's write, the first, is refused
			setup: func(t *testing.T, g *githubRun) {
				b := sandboxDR(7, "ready", true)
				b.Branch = "feature-1"
				g.withDatabases(t, read, read, []sandbox.DeployRequest{sandboxDR(1, "ready", false)}, b)
				g.gh.Inject(ghsandbox.Forbidden.On(ghsandbox.CreateStatus))
			},
			wantStatuses: map[string]string{"planetscale/shop": "failure: 1 deploy request needs approval: #1"},
			wantShop:     "❌ 1 deploy request needs approval",
			wantBilling:  notChecked,
			wantSummary:  []string{"| feature-1 | ⚠️ error | could not set its status |"},
			wantWarning:  "Sync could not set every status",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sha := strings.Repeat("4", 40)
			g := newGitHubRun(t, "schedule")
			g.vars["INPUT_DATABASE"] = strings.Join(tc.databases, "\n")
			g.vars["INPUT_MODE"] = "sync"
			g.vars["INPUT_STATUS-CONTEXT"] = ""
			g.vars["INPUT_COMMENT"] = "always"
			g.gh.AddPull(repoName, ghsandbox.PullRequest{Number: 1, HeadRef: "feature-1", HeadSHA: sha})
			tc.setup(t, g)
			r := g.run(t)
			if r.result != ResultError || outputMap(r.outputs)["result"] != "error" {
				t.Fatalf("result = %v, output %q; want error; log:\n%s", r.result, outputMap(r.outputs)["result"], r.log)
			}
			got := map[string]string{}
			for _, st := range g.gh.Statuses(repoName, sha) {
				got[st.Context] = string(st.State) + ": " + st.Description
			}
			if !maps.Equal(got, tc.wantStatuses) {
				t.Errorf("statuses = %q, want %q", got, tc.wantStatuses)
			}
			for _, s := range tc.wantSummary {
				if !strings.Contains(r.summary, s) {
					t.Errorf("summary lacks %q:\n%s", s, r.summary)
				}
			}
			wantErrors := 0
			if tc.wantError != "" {
				wantErrors = 1
			}
			if errs := annotations(r.log, "error"); len(errs) != wantErrors || wantErrors == 1 && !strings.Contains(errs[0], tc.wantError) {
				t.Errorf("error annotations = %q, want %d containing %q", errs, wantErrors, tc.wantError)
			}
			if w := annotations(r.log, "warning"); len(w) != 1 || !strings.HasPrefix(w[0], "::warning title="+tc.wantWarning+"::") {
				t.Errorf("warnings = %q, want one titled %q", w, tc.wantWarning)
			}

			c := g.gh.Comments(repoName, 1)
			if len(c) != 1 || !strings.HasPrefix(c[0].Body, ghreport.DatabasesMarker("acme", tc.databases)) {
				t.Fatalf("comments = %+v, want one over both databases", c)
			}
			body := c[0].Body
			for _, s := range []string{"## ⚠️ Could not check 1 of 2 databases",
				"| acme/shop | ❌ fail | 1 | 0 | 1 | [#1](https://app.planetscale.com/acme/shop/deploy-requests/1) |",
				"| acme/billing | ⚠️ could not check | – | – | – | – |", recheckNote} {
				if !strings.Contains(body, s) {
					t.Errorf("comment lacks %q:\n%s", s, body)
				}
			}
			sections := map[string]string{}
			for _, part := range strings.Split(body, "\n### ")[1:] {
				name, text, _ := strings.Cut(part, " · ")
				sections[name] = text
			}
			if shop := sections["shop"]; !strings.HasPrefix(shop, tc.wantShop+"\n") ||
				!strings.Contains(shop, "| [#1](https://app.planetscale.com/acme/shop/deploy-requests/1) | feature-1 → main | no | ready | 2h |") {
				t.Errorf("shop's section, want %q with #1's row:\n%s", tc.wantShop, shop)
			}
			billing := sections["billing"]
			if !strings.HasPrefix(billing, "⚠️ Could not check deploy requests\n\nDatabase: **acme/billing**\n") {
				t.Errorf("billing's section does not say it could not be checked:\n%s", billing)
			}
			for _, s := range tc.wantBilling {
				if !strings.Contains(billing, s) {
					t.Errorf("billing's section lacks %q:\n%s", s, billing)
				}
			}
			if says := strings.Contains(billing, "Not checked by this sync run"); says != slices.Equal(tc.wantBilling, notChecked) {
				t.Errorf("billing's section says \"Not checked by this sync run\" = %t, want %t:\n%s", says, !says, billing)
			}
		})
	}
}

// withDatabases points the run at a sandbox serving acme/shop holding
// shop and acme/billing holding billing, with the test token granted
// shopGrants on shop and billingGrants on billing; it returns the sandbox.
func (g *githubRun) withDatabases(t *testing.T, shopGrants, billingGrants []string, shop []sandbox.DeployRequest, billing ...sandbox.DeployRequest) *sandbox.Server {
	t.Helper()
	token := testToken
	token.Grants = map[string][]string{"acme/shop": shopGrants}
	if billingGrants != nil {
		token.Grants["acme/billing"] = billingGrants
	}
	ps, url := startSandbox(t, sandbox.WithDatabase(shopDB(shop...)),
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "billing", RequireApproval: true, DeployRequests: billing}), sandbox.WithToken(token))
	g.vars["INPUT_API-URL"] = url
	return ps
}
