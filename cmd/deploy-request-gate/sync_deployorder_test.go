package main

import (
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// omitOps is d with operations that the list leaves out: only the
// per-request routes serve them.
func omitOps(d sandbox.DeployRequest, ops ...sandbox.Operation) sandbox.DeployRequest {
	d = withOps(d, ops...)
	d.OmitListOperations = true
	return d
}

// detailReads counts the sandbox's reads of a deploy request's
// deployment (the first of its detail reads), by deploy request number.
func detailReads(api *sandbox.Server) map[int]int {
	num := regexp.MustCompile(`/deploy-requests/(\d+)/deployment$`)
	reads := map[int]int{}
	for _, r := range api.Requests() {
		if m := num.FindStringSubmatch(r.Path); r.Route == sandbox.RouteDeployment && m != nil {
			n, _ := strconv.Atoi(m[1])
			reads[n]++
		}
	}
	return reads
}

// psRequestLine is the count of PlanetScale requests sync's last log line gives.
func psRequestLine(t *testing.T, stdout string) int64 {
	t.Helper()
	m := regexp.MustCompile(`; (\d+) PlanetScale API requests?;`).FindStringSubmatch(lastLine(stdout))
	if m == nil {
		t.Fatalf("no PlanetScale request count in the last line %q", lastLine(stdout))
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// TestSync_DeployOrderReadsOperations: under fail-on deploy-order with a
// list that leaves the operations out, sync reads the operations of each
// matched undeployed request once per run (however many pull requests and
// repositories share its branch), so an approved request that can drop
// data stays green (as the gate's own pull request run left it) and an
// additive undeployed one stays red; an applied one is not read. Under
// fail-on unapproved sync reads no details at all.
func TestSync_DeployOrderReadsOperations(t *testing.T) {
	t.Parallel()
	const other = "acme/billing"
	f := newSyncFixture(t, 2, 0, ghsandbox.WithRepo(other))
	f.drs = []sandbox.DeployRequest{
		omitOps(dr(1, "drop-legacy", "ready", true), dropColumn),
		omitOps(dr(2, "add-note", "ready", true), addColumn),
		omitOps(dr(4, "add-index", "complete", true), addColumn),
	}
	if err := f.ps.SetDeployRequests(testOrg, testDatabase, f.drs); err != nil {
		t.Fatal(err)
	}
	for _, p := range []ghsandbox.PullRequest{
		{Number: 11, HeadRef: "drop-legacy", HeadSHA: prSHA(11)},
		{Number: 12, HeadRef: "add-note", HeadSHA: prSHA(12)},
		{Number: 13, HeadRef: "drop-legacy", HeadSHA: prSHA(13)},
		{Number: 14, HeadRef: "add-index", HeadSHA: prSHA(14)},
	} {
		f.gh.AddPull(e2eRepo, p)
	}
	f.gh.AddPull(other, ghsandbox.PullRequest{Number: 21, HeadRef: "drop-legacy", HeadSHA: prSHA(21)})
	// The gate's own pull request run passed #11 (it read the operations).
	f.gh.AddStatus(e2eRepo, prSHA(11), ghsandbox.Status{State: "success", Context: syncContext,
		Description: "No deploy request blocks this change", TargetURL: "https://github.com/" + e2eRepo + "/actions/runs/1"})
	order := func(in map[string]string) {
		in["fail-on"] = "deploy-order"
		in["repositories"] = e2eRepo + "\n" + other
	}

	first := f.run(t, order)
	if first.exitCode != 0 || first.outputs["result"] != "pass" {
		t.Fatalf("exit %d, result %q\n%s", first.exitCode, first.outputs["result"], first.stdout)
	}
	want := map[string]map[int]string{
		e2eRepo: {11: "success", 12: "failure", 13: "success", 14: "success"},
		other:   {21: "success"},
	}
	for repo, pulls := range want {
		for n, state := range pulls {
			st, _ := f.gh.LatestStatus(repo, prSHA(n), syncContext)
			if st.State != state {
				t.Errorf("%s #%d: status %+v, want %s", repo, n, st, state)
			}
		}
	}
	if st, _ := f.gh.LatestStatus(e2eRepo, prSHA(12), syncContext); !strings.Contains(st.Description, "#2 deploy first") {
		t.Errorf("#12: description %q, want it to say #2 deploy first", st.Description)
	}
	if reads := detailReads(f.ps); reads[1] != 1 || reads[2] != 1 || reads[4] != 0 || len(reads) != 2 {
		t.Errorf("deployment reads by deploy request = %v, want #1 and #2 once each, #4 never", reads)
	}
	if got := psRequestLine(t, first.stdout); got != first.psCalls || got < 5 {
		t.Errorf("the last line counts %d PlanetScale requests, the sandbox served %d (want the list and the detail reads)", got, first.psCalls)
	}

	// Nothing changed: the same reads, no write, still green and red.
	second := f.run(t, order)
	if second.exitCode != 0 || second.outputs["result"] != "pass" || second.allWrites() != 0 {
		t.Errorf("unchanged run: exit %d, result %q, %d writes; want a pass without writes\n%s",
			second.exitCode, second.outputs["result"], second.allWrites(), second.stdout)
	}
	if second.psCalls != first.psCalls {
		t.Errorf("unchanged run: %d PlanetScale requests, the first made %d", second.psCalls, first.psCalls)
	}

	// Under fail-on unapproved sync reads the list alone.
	before := len(f.ps.Requests())
	third := f.run(t, func(in map[string]string) { in["repositories"] = e2eRepo + "\n" + other })
	if third.exitCode != 0 || third.psCalls != 1 || len(f.ps.Requests())-before != 1 {
		t.Errorf("unapproved: exit %d, %d PlanetScale requests; want 0 and 1 (no detail reads)\n%s", third.exitCode, third.psCalls, third.stdout)
	}
}

// TestSync_DeployOrderUnreadableOperations: operations that cannot be read
// (a 404, the answer to a missing grant; 503s until the retries give up)
// make that pull request's status error ("could not check"), never failure
// and never success, and the run's result error; the other pull requests
// are synced. Once the operations can be read, the next run sets it right.
func TestSync_DeployOrderUnreadableOperations(t *testing.T) {
	t.Parallel()
	unavailable := sandbox.Unavailable
	unavailable.RetryAfter = "120" // longer than the time left: the retries give up at once
	for _, c := range []struct {
		name  string
		fault sandbox.Fault
		words string
	}{
		{"404", notFound, "read_deploy_request"},
		{"503", unavailable, "503 Service Unavailable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newSyncFixture(t, 2, 0)
			f.drs = []sandbox.DeployRequest{
				withOps(dr(1, "add-note", "ready", true), addColumn),     // the list carries them: not read
				omitOps(dr(3, "drop-legacy", "ready", true), dropColumn), // read, and the read fails
			}
			if err := f.ps.SetDeployRequests(testOrg, testDatabase, f.drs); err != nil {
				t.Fatal(err)
			}
			f.gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 31, HeadRef: "add-note", HeadSHA: prSHA(31)})
			f.gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 33, HeadRef: "drop-legacy", HeadSHA: prSHA(33)})
			f.gh.AddStatus(e2eRepo, prSHA(33), ghsandbox.Status{State: "success", Context: syncContext, Description: "No deploy request blocks this change"})
			f.ps.FailRoute(sandbox.RouteDeployment, c.fault)
			f.ps.FailRoute(sandbox.RouteOperations, c.fault)
			order := func(in map[string]string) { in["fail-on"] = "deploy-order" }

			run := f.run(t, order)
			if run.exitCode != 2 || run.outputs["result"] != "error" {
				t.Fatalf("exit %d, result %q; want 2 and error\n%s", run.exitCode, run.outputs["result"], run.stdout)
			}
			st, _ := f.gh.LatestStatus(e2eRepo, prSHA(33), syncContext)
			if st.State != "error" || !strings.HasPrefix(st.Description, "Could not check") {
				t.Errorf("#33: status %+v, want error, could not check", st)
			}
			if st, _ := f.gh.LatestStatus(e2eRepo, prSHA(31), syncContext); st.State != "failure" || !strings.Contains(st.Description, "#1 deploy first") {
				t.Errorf("#31: status %+v, want failure, #1 deploy first", st)
			}
			w := annotations(run.stdout, "warning")
			if len(w) != 1 || !strings.Contains(w[0], "could not read the operations of deploy request #3") || !strings.Contains(w[0], c.words) {
				t.Errorf("warnings = %q, want one naming #3's unreadable operations and %q", w, c.words)
			}
			if !strings.Contains(run.summary, "| drop-legacy | ⚠️ error | could not decide: the operations of deploy request") {
				t.Errorf("the summary lacks #33's error row:\n%s", run.summary)
			}
			if cs := f.gh.Comments(e2eRepo, 33); len(cs) != 1 || !strings.Contains(cs[0].Body, "## ⚠️ Could not check") || !strings.Contains(cs[0].Body, "could not read the operations of deploy request") {
				t.Errorf("#33's comments = %+v, want one saying the operations could not be read", cs)
			}
			if got := psRequestLine(t, run.stdout); got != run.psCalls {
				t.Errorf("the last line counts %d PlanetScale requests, the sandbox served %d", got, run.psCalls)
			}

			// The same failure again: still error, nothing written again.
			f.ps.FailRoute(sandbox.RouteDeployment, c.fault)
			f.ps.FailRoute(sandbox.RouteOperations, c.fault)
			again := f.run(t, order)
			if again.exitCode != 2 || again.outputs["result"] != "error" || again.writes(ghsandbox.CreateStatus) != 0 {
				t.Errorf("again: exit %d, result %q, %d statuses written; want 2, error and none\n%s",
					again.exitCode, again.outputs["result"], again.writes(ghsandbox.CreateStatus), again.stdout)
			}

			// The operations can be read again: #33 turns green, and only it is written.
			healed := f.run(t, order)
			if healed.exitCode != 0 || healed.outputs["result"] != "pass" || healed.writes(ghsandbox.CreateStatus) != 1 {
				t.Errorf("healed: exit %d, result %q, %d statuses written; want 0, pass and 1\n%s",
					healed.exitCode, healed.outputs["result"], healed.writes(ghsandbox.CreateStatus), healed.stdout)
			}
			if st, _ := f.gh.LatestStatus(e2eRepo, prSHA(33), syncContext); st.State != "success" {
				t.Errorf("healed #33: status %+v, want success", st)
			}
		})
	}
}

// TestSync_DeployOrderTwoDatabases: over two databases, a pull request
// whose request in shop cannot be read gets error under planetscale/shop
// beside its decided status under planetscale/billing, and its one comment
// says shop could not be checked; the run's result is error.
func TestSync_DeployOrderTwoDatabases(t *testing.T) {
	t.Parallel()
	ps, url := multiAPI(t)
	if err := ps.SetDeployRequests(testOrg, testDatabase, []sandbox.DeployRequest{omitOps(dr(105, "add-index", "ready", true), dropColumn)}); err != nil {
		t.Fatal(err)
	}
	if err := ps.SetDeployRequests(testOrg, "billing", []sandbox.DeployRequest{omitOps(dr(7, "add-index", "ready", true), addColumn)}); err != nil {
		t.Fatal(err)
	}
	// Databases are synced one after the other: shop's read takes both faults.
	ps.FailRoute(sandbox.RouteDeployment, notFound)
	ps.FailRoute(sandbox.RouteOperations, notFound)
	gh := ghsandbox.New(ghsandbox.WithRepo(e2eRepo), ghsandbox.WithToken(ghsandbox.Token{Value: e2eGitHubToken}))
	gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead})
	srv := httptest.NewServer(gh)
	t.Cleanup(srv.Close)
	in := baseInputs(url)
	in["database"] = "shop\nbilling"
	in["mode"] = "sync"
	in["fail-on"] = "deploy-order"
	in["github-token"] = e2eGitHubToken
	run := runGate(t, in, "GITHUB_EVENT_NAME=schedule", "GITHUB_REPOSITORY="+e2eRepo, "GITHUB_API_URL="+srv.URL,
		"GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=4242")
	checkNoGitHubToken(t, run, gh, 1)
	if run.exitCode != 2 || run.outputs["result"] != "error" {
		t.Fatalf("exit %d, result %q; want 2 and error\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	if st, _ := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); st.State != "error" {
		t.Errorf("planetscale/shop on #7 = %+v, want error", st)
	}
	if st, _ := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/billing"); st.State != "failure" || !strings.Contains(st.Description, "#7 deploy first") {
		t.Errorf("planetscale/billing on #7 = %+v, want failure, #7 deploy first", st)
	}
	c := gh.Comments(e2eRepo, 7)
	if len(c) != 1 || !strings.Contains(c[0].Body, "| acme/shop | ⚠️ could not check |") || !strings.Contains(c[0].Body, "| acme/billing | ❌ fail |") ||
		!strings.Contains(c[0].Body, "read_deploy_request") {
		t.Errorf("comments on #7 = %+v, want one: shop could not be checked (naming the grant), billing fails", c)
	}
}
