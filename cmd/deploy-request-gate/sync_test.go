package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

const syncContext = "planetscale/shop"

// prSHA is the head commit of sandbox pull request n.
func prSHA(n int) string { return fmt.Sprintf("%040x", n) }

// syncFixture is a PlanetScale sandbox with withDRs deploy requests on
// branches feature-1.. (odd ones approved) and a GitHub sandbox (under
// /api/v3, as on GitHub Enterprise Server) whose repository e2eRepo has
// pulls open pull requests, #1..#withDRs on those branches.
type syncFixture struct {
	ps      *sandbox.Server
	psURL   string
	psCalls *atomic.Int64
	gh      *ghsandbox.Server
	env     []string
	drs     []sandbox.DeployRequest
}

func newSyncFixture(t *testing.T, pulls, withDRs int, opts ...ghsandbox.Option) *syncFixture {
	t.Helper()
	f := &syncFixture{psCalls: new(atomic.Int64)}
	for i := 1; i <= withDRs; i++ {
		f.drs = append(f.drs, dr(i, fmt.Sprintf("feature-%d", i), "ready", i%2 == 1))
	}
	f.ps, f.psURL = newAPI(t, true, f.drs)
	f.ps.OnRequest(func(int, *http.Request) { f.psCalls.Add(1) })
	opts = append([]ghsandbox.Option{ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithRepo(e2eRepo),
		ghsandbox.WithToken(ghsandbox.Token{Value: e2eGitHubToken})}, opts...)
	f.gh = ghsandbox.New(opts...)
	for i := 1; i <= pulls; i++ {
		branch := fmt.Sprintf("topic-%d", i)
		if i <= withDRs {
			branch = fmt.Sprintf("feature-%d", i)
		}
		f.gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: i, HeadRef: branch, HeadSHA: prSHA(i)})
	}
	srv := httptest.NewServer(f.gh)
	t.Cleanup(srv.Close)
	f.env = []string{"GITHUB_EVENT_NAME=schedule", "GITHUB_SHA=" + e2eMerge, "GITHUB_REPOSITORY=" + e2eRepo,
		"GITHUB_API_URL=" + srv.URL + "/api/v3", "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=4242",
		"GITHUB_WORKFLOW_REF=" + e2eRepo + "/.github/workflows/deploy-request-sync.yml@refs/heads/main"}
	return f
}

// syncRun is one sync run and the GitHub requests it made.
type syncRunResult struct {
	gateRun
	requests []ghsandbox.Request
	psCalls  int64
}

// writes returns the requests that wrote: statuses and comments.
func (r syncRunResult) writes(e ghsandbox.Endpoint) int {
	n := 0
	for _, q := range r.requests {
		if q.Endpoint == e {
			n++
		}
	}
	return n
}

func (r syncRunResult) allWrites() int {
	n := 0
	for _, q := range r.requests {
		if q.Method != http.MethodGet && q.Endpoint != ghsandbox.GraphQL {
			n++
		}
	}
	return n
}

func (f *syncFixture) run(t *testing.T, edit func(map[string]string), env ...string) syncRunResult {
	t.Helper()
	in := baseInputs(f.psURL)
	in["github-token"] = e2eGitHubToken
	in["mode"] = "sync"
	in["status-context"] = syncContext
	if edit != nil {
		edit(in)
	}
	before, psBefore := len(f.gh.Requests()), f.psCalls.Load()
	run := runGate(t, in, append(append([]string{}, f.env...), env...)...)
	checkNoGitHubToken(t, run, f.gh, 1)
	return syncRunResult{gateRun: run, requests: f.gh.Requests()[before:], psCalls: f.psCalls.Load() - psBefore}
}

// lastLine is the run's last log line.
func lastLine(stdout string) string {
	lines := testkit.Lines(stdout)
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

// TestSync_Budget runs sync as a larger team does, at the sandbox's
// counts: the first run sets the 20 statuses, a run where nothing changed
// makes at most 12 (300 pull requests) or 15 (1,000) GitHub requests and
// writes nothing, and after one approval exactly one status is written and
// one comment edited.
func TestSync_Budget(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ pulls, maxRequests int }{{300, 12}, {1000, 15}} {
		t.Run(fmt.Sprint(c.pulls), func(t *testing.T) {
			t.Parallel()
			f := newSyncFixture(t, c.pulls, 20)
			always := func(in map[string]string) { in["comment"] = "always" }
			first := f.run(t, always)
			if first.exitCode != 0 || first.outputs["result"] != "pass" || first.outputs["total"] != fmt.Sprint(c.pulls) {
				t.Fatalf("first run: exit %d, outputs %v\n%s", first.exitCode, first.outputs, lastLine(first.stdout))
			}
			if got := first.writes(ghsandbox.CreateStatus); got != 20 {
				t.Errorf("first run wrote %d statuses, want 20", got)
			}
			st, _ := f.gh.LatestStatus(e2eRepo, prSHA(2), syncContext)
			if st.State != "failure" || st.TargetURL != "https://app.planetscale.com/acme/shop/deploy-requests/2" {
				t.Errorf("#2's status = %+v, want failure linking its deploy request", st)
			}

			second := f.run(t, always)
			if second.exitCode != 0 || second.outputs["result"] != "pass" {
				t.Fatalf("unchanged run: exit %d, result %q", second.exitCode, second.outputs["result"])
			}
			if n := len(second.requests); n > c.maxRequests || second.allWrites() != 0 {
				t.Errorf("unchanged run: %d GitHub requests (%d writes), want at most %d and none", n, second.allWrites(), c.maxRequests)
			}
			if second.psCalls != 1 {
				t.Errorf("unchanged run: %d PlanetScale requests, want 1", second.psCalls)
			}
			last := lastLine(second.stdout)
			want := fmt.Sprintf("Sync done: %d open pull requests in 1 repository; 1 PlanetScale API request; %d GitHub requests (0 writes); GitHub's budget left: ", c.pulls, len(second.requests))
			if !strings.HasPrefix(last, want) || !strings.Contains(last, "GraphQL points") {
				t.Errorf("last log line = %q, want it to start %q and give the GraphQL points left", last, want)
			}

			f.drs[1].Approved = true // #2 on feature-2
			if err := f.ps.SetDeployRequests(testOrg, testDatabase, f.drs); err != nil {
				t.Fatal(err)
			}
			third := f.run(t, always)
			if got := third.writes(ghsandbox.CreateStatus); got != 1 {
				t.Errorf("after one approval: %d statuses written, want 1", got)
			}
			if e, cr := third.writes(ghsandbox.EditComment), third.writes(ghsandbox.CreateComment); e != 1 || cr != 0 {
				t.Errorf("after one approval: %d comments edited and %d created, want 1 and 0", e, cr)
			}
			if st, _ := f.gh.LatestStatus(e2eRepo, prSHA(2), syncContext); st.State != "success" {
				t.Errorf("#2's status after approval = %+v, want success", st)
			}
			if c := f.gh.Comments(e2eRepo, 2); len(c) != 1 || !strings.Contains(c[0].Body, "No deploy request blocks this change") {
				t.Errorf("#2's comments = %+v, want one, updated to pass", c)
			}
		})
	}
}

// TestSync_ListChangesBetweenPages closes a pull request sync has read
// and opens another while sync reads the list: none is skipped, and the
// unapproved one first on the second page gets its red status.
func TestSync_ListChangesBetweenPages(t *testing.T) {
	t.Parallel()
	f := newSyncFixture(t, 250, 0)
	f.drs = []sandbox.DeployRequest{dr(1, "blocked-101", "ready", false), dr(2, "blocked-251", "ready", false)}
	if err := f.ps.SetDeployRequests(testOrg, testDatabase, f.drs); err != nil {
		t.Fatal(err)
	}
	f.gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 101, HeadRef: "blocked-101", HeadSHA: prSHA(101)})
	f.gh.BeforeGraphQL(func(n int) {
		if n == 2 {
			f.gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 50, HeadRef: "topic-50", HeadSHA: prSHA(50), Closed: true})
			f.gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 251, HeadRef: "blocked-251", HeadSHA: prSHA(251)})
		}
	})
	run := f.run(t, nil)
	if run.exitCode != 0 {
		t.Fatalf("exit %d\n%s", run.exitCode, run.stdout)
	}
	for _, n := range []int{101, 251} {
		if st, ok := f.gh.LatestStatus(e2eRepo, prSHA(n), syncContext); !ok || st.State != "failure" {
			t.Errorf("#%d: status %+v (found %v), want failure", n, st, ok)
		}
	}
	for n := 51; n <= 250; n++ {
		if !strings.Contains(run.stdout, fmt.Sprintf("PR #%d (", n)) {
			t.Errorf("PR #%d was skipped", n)
		}
	}
}

// TestSync_UnreadableListIsAnError: a page of pull requests GitHub never
// answers makes the run result=error, never a pass.
func TestSync_UnreadableListIsAnError(t *testing.T) {
	t.Parallel()
	f := newSyncFixture(t, 150, 2)
	f.gh.BeforeGraphQL(func(n int) {
		if n == 2 { // the second page, and every retry of it, fails
			f.gh.Inject(ghsandbox.ServerError.On(ghsandbox.GraphQL).Times(20))
		}
	})
	run := f.run(t, nil)
	if run.exitCode == 0 || run.outputs["result"] != "error" {
		t.Fatalf("exit %d, result %q; want a failed step with result=error\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	if len(annotations(run.stdout, "warning")) != 1 {
		t.Errorf("want one warning:\n%s", run.stdout)
	}
}

// TestSync_StatusLimit: a commit with GitHub's 1,000 statuses of the
// context cannot take another (422): reported, result=error, never a pass.
func TestSync_StatusLimit(t *testing.T) {
	t.Parallel()
	f := newSyncFixture(t, 3, 2)
	for i := 0; i < ghsandbox.MaxStatuses; i++ {
		f.gh.AddStatus(e2eRepo, prSHA(2), ghsandbox.Status{State: "success", Context: syncContext, Description: "old"})
	}
	run := f.run(t, nil)
	if run.exitCode == 0 || run.outputs["result"] != "error" {
		t.Fatalf("exit %d, result %q; want result=error\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	if !strings.Contains(run.stdout, "maximum number of statuses") || !strings.Contains(run.stdout, "1,000 statuses per commit") {
		t.Errorf("the log does not explain the limit:\n%s", run.stdout)
	}
	if st, _ := f.gh.LatestStatus(e2eRepo, prSHA(1), syncContext); st.State != "success" {
		t.Errorf("#1 was not synced beside the refused #2: %+v", st)
	}
}

// TestSync_Repositories syncs two repositories with one PlanetScale read;
// a third the token cannot reach is one warning and result=error.
func TestSync_Repositories(t *testing.T) {
	t.Parallel()
	const other, hidden = "acme/billing", "acme/secret"
	f := newSyncFixture(t, 3, 2, ghsandbox.WithRepo(other), ghsandbox.WithRepo(hidden))
	f.gh.AddPull(other, ghsandbox.PullRequest{Number: 9, HeadRef: "feature-2", HeadSHA: prSHA(9)})
	run := f.run(t, func(in map[string]string) { in["repositories"] = e2eRepo + "\n" + other })
	if run.exitCode != 0 || run.outputs["result"] != "pass" || run.outputs["total"] != "4" {
		t.Fatalf("exit %d, outputs %v\n%s", run.exitCode, run.outputs, run.stdout)
	}
	if run.psCalls != 1 {
		t.Errorf("%d PlanetScale requests for two repositories, want 1", run.psCalls)
	}
	if st, _ := f.gh.LatestStatus(other, prSHA(9), syncContext); st.State != "failure" {
		t.Errorf("%s #9: status %+v, want failure", other, st)
	}
	for _, h := range []string{"### " + e2eRepo, "### " + other} {
		if !strings.Contains(run.summary, h) {
			t.Errorf("summary lacks section %q:\n%s", h, run.summary)
		}
	}

	run = f.run(t, func(in map[string]string) { in["repositories"] = e2eRepo + ", acme/missing, " + other })
	if run.exitCode == 0 || run.outputs["result"] != "error" {
		t.Fatalf("with an unreachable repository: exit %d, result %q; want result=error", run.exitCode, run.outputs["result"])
	}
	if w := annotations(run.stdout, "warning"); len(w) != 1 || !strings.Contains(w[0], "acme/missing") {
		t.Errorf("want one warning naming acme/missing, got %q", w)
	}
	if !strings.Contains(run.summary, "### acme/missing") || !strings.Contains(run.summary, "Not synced") {
		t.Errorf("summary lacks the unreachable repository's section:\n%s", run.summary)
	}
	if !strings.Contains(run.stdout, other+" PR #9 (feature-2") {
		t.Errorf("%s was not synced after the unreachable one:\n%s", other, run.stdout)
	}
}

// TestSync_GHESPaths: with GITHUB_API_URL at /api/v3 the reads go to
// /api/graphql and the writes to /api/v3.
func TestSync_GHESPaths(t *testing.T) {
	t.Parallel()
	f := newSyncFixture(t, 2, 1)
	run := f.run(t, nil)
	if run.exitCode != 0 {
		t.Fatalf("exit %d\n%s", run.exitCode, run.stdout)
	}
	var graphqlReqs, restReqs int
	for _, r := range run.requests {
		switch {
		case r.Endpoint == ghsandbox.GraphQL && r.Path == "/api/graphql" && r.Method == http.MethodPost:
			graphqlReqs++
		case r.Endpoint == ghsandbox.CreateStatus:
			restReqs++
		case r.Endpoint == ghsandbox.ListComments || r.Endpoint == ghsandbox.CreateComment: // its path is below /api/v3, or it would not be routed
		default:
			t.Errorf("unexpected request %s %s (%s)", r.Method, r.Path, r.Endpoint)
		}
	}
	if graphqlReqs != 1 || restReqs != 1 {
		t.Errorf("%d GraphQL and %d status requests, want 1 and 1", graphqlReqs, restReqs)
	}
}
