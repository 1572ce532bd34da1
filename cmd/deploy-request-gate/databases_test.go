package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// multiAPI starts a sandbox serving acme/shop (one unapproved request,
// #105), acme/billing (one approved, #7) and acme/ledger, which testToken
// may not read.
func multiAPI(t *testing.T) (*sandbox.Server, string) {
	t.Helper()
	token := testToken
	token.Grants = map[string][]string{
		testOrg + "/" + testDatabase: {"read_deploy_request", "read_database"},
		testOrg + "/billing":         {"read_deploy_request", "read_database"},
	}
	api := sandbox.New(
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDatabase, RequireApproval: true,
			DeployRequests: []sandbox.DeployRequest{dr(105, "add-index", "ready", false)}}),
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: "billing", RequireApproval: true,
			DeployRequests: []sandbox.DeployRequest{dr(7, "add-index", "ready", true)}}),
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: "ledger", RequireApproval: true,
			DeployRequests: []sandbox.DeployRequest{dr(3, "add-index", "ready", true)}}),
		sandbox.WithToken(token),
	)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv.URL
}

// databasesOutput decodes the databases output.
func databasesOutput(t *testing.T, run gateRun) map[string]map[string]any {
	t.Helper()
	var out map[string]map[string]any
	if err := json.Unmarshal([]byte(run.outputs["databases"]), &out); err != nil {
		t.Fatalf("databases output %q: %v", run.outputs["databases"], err)
	}
	return out
}

// TestDatabases_TwoBlockingAndPassing: one step over shop (blocked) and
// billing (passing): result fail, one status per database under the
// default context planetscale/{database}, one comment with a section per
// database, outputs over both.
func TestDatabases_TwoBlockingAndPassing(t *testing.T) {
	t.Parallel()
	_, url := multiAPI(t)
	gh, env := pullRequestEnv(t, "add-index")
	in := gitHubInputs(url, map[string]string{"database": "shop, billing", "comment": "on-failure"})
	run := runChecked(t, in, gh, 7, 1, env...)
	want := map[string]string{"result": "fail", "total": "2", "approved-count": "1", "unapproved-count": "1", "blocking": "shop#105", "status-sha": e2eHead}
	wantOutputs(t, run, want)
	if got, want := run.outputs["databases"], `{"shop":{"result":"fail","total":1,"approved-count":0,"unapproved-count":1,"blocking":"105"},"billing":{"result":"pass","total":1,"approved-count":1,"unapproved-count":0,"blocking":""}}`; got != want {
		t.Errorf("databases = %s\nwant      %s", got, want)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(run.outputs["deploy-requests"]), &items); err != nil || len(items) != 2 ||
		items[0]["database"] != "shop" || items[0]["number"] != 105.0 || items[1]["database"] != "billing" {
		t.Errorf("deploy-requests = %s (%v)", run.outputs["deploy-requests"], err)
	}
	if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); !ok || st.State != "failure" || st.Description != "1 deploy request needs approval: #105" {
		t.Errorf("status planetscale/shop = %+v (found %v), want failure", st, ok)
	}
	if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/billing"); !ok || st.State != "success" {
		t.Errorf("status planetscale/billing = %+v (found %v), want success", st, ok)
	}
	comments := gh.Comments(e2eRepo, 7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want one", len(comments))
	}
	body := comments[0].Body
	for _, s := range []string{"<!-- deploy-request-gate:acme/billing,shop -->", "## ❌ 1 of 2 databases is blocked by deploy requests",
		"| acme/shop | ❌ fail | 1 | 0 | 1 |", "| acme/billing | ✅ pass | 1 | 1 | 0 |  |", "### shop · ", "### billing · "} {
		if !strings.Contains(body, s) {
			t.Errorf("comment lacks %q:\n%s", s, body)
		}
	}
	if !strings.Contains(run.summary, "### shop · ") || !strings.Contains(run.summary, "### billing · ") {
		t.Errorf("summary lacks a section per database:\n%s", run.summary)
	}

	// Run again: the same comment is found by its marker, not a second one.
	run = runGate(t, in, env...)
	if run.exitCode != 1 || len(gh.Comments(e2eRepo, 7)) != 1 {
		t.Errorf("second run: exit %d, %d comments, want 1 and one", run.exitCode, len(gh.Comments(e2eRepo, 7)))
	}
}

// TestDatabases_ThreeOneUnreadable: the third database is one the token
// cannot read: an error for it (result error, its status error, its
// section says so), never skipped; the others are still decided.
func TestDatabases_ThreeOneUnreadable(t *testing.T) {
	t.Parallel()
	_, url := multiAPI(t)
	gh, env := pullRequestEnv(t, "add-index")
	in := gitHubInputs(url, map[string]string{"database": "shop\nbilling\nledger\n", "status-context": "db/{database}", "comment": "always"})
	run := runChecked(t, in, gh, 7, 2, env...)
	if got := run.outputs["result"]; got != "error" {
		t.Errorf("result = %q, want error", got)
	}
	if got := run.outputs["blocking"]; got != "shop#105" {
		t.Errorf("blocking = %q, want shop#105", got)
	}
	dbs := databasesOutput(t, run)
	if len(dbs) != 3 || dbs["ledger"]["result"] != "error" || dbs["shop"]["result"] != "fail" || dbs["billing"]["result"] != "pass" {
		t.Errorf("databases = %s", run.outputs["databases"])
	}
	for db, state := range map[string]string{"shop": "failure", "billing": "success", "ledger": "error"} {
		if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "db/"+db); !ok || st.State != state {
			t.Errorf("status db/%s = %+v (found %v), want %s", db, st, ok, state)
		}
	}
	errs := annotations(run.stdout, "error")
	var ledger int
	for _, e := range errs {
		if strings.HasPrefix(e, "::error title=Deploy request gate could not decide for ledger::acme/ledger: ") {
			ledger++
		}
	}
	if ledger != 1 {
		t.Errorf("want one error annotation for ledger, got %q", errs)
	}
	comments := gh.Comments(e2eRepo, 7)
	if len(comments) != 1 {
		t.Fatalf("%d comments, want one", len(comments))
	}
	for _, s := range []string{"## ⚠️ Could not check 1 of 3 databases", "| acme/ledger | ⚠️ could not check |", "### ledger · ⚠️ Could not check deploy requests"} {
		if !strings.Contains(comments[0].Body, s) || !strings.Contains(run.summary, s) {
			t.Errorf("comment or summary lacks %q:\ncomment:\n%s\nsummary:\n%s", s, comments[0].Body, run.summary)
		}
	}
}

// TestDatabases_StatusContextWithoutPlaceholder: one status-context for
// several databases is refused, saying what to write.
func TestDatabases_StatusContextWithoutPlaceholder(t *testing.T) {
	t.Parallel()
	_, url := multiAPI(t)
	in := baseInputs(url)
	in["database"] = "shop,billing"
	in["status-context"] = "planetscale"
	run := runGate(t, in)
	msg := requireUndecided(t, run)
	if !strings.Contains(msg, "{database}") {
		t.Errorf("the error does not say to use {database}: %s", msg)
	}
}

// TestDatabases_OneDatabaseUnchanged: a single database still gets its
// old comment marker and no status without status-context, and no
// databases output.
func TestDatabases_OneDatabaseUnchanged(t *testing.T) {
	t.Parallel()
	_, url := multiAPI(t)
	gh, env := pullRequestEnv(t, "add-index")
	in := gitHubInputs(url, map[string]string{"database": "shop,"})
	run := runGate(t, in, env...)
	requireExit(t, run, 1)
	if sts := gh.Statuses(e2eRepo, e2eHead); len(sts) != 0 {
		t.Errorf("statuses = %+v, want none without status-context", sts)
	}
	if c := gh.Comments(e2eRepo, 7); len(c) != 1 || !strings.HasPrefix(c[0].Body, "<!-- deploy-request-gate:acme/shop -->") {
		t.Errorf("comments = %+v, want the single-database marker", c)
	}
	if _, ok := run.outputs["databases"]; ok {
		t.Errorf("databases output with one database: %q", run.outputs["databases"])
	}
}

// TestDatabases_SyncTwo: one sync run over shop and billing: one listing
// each, statuses under planetscale/shop and planetscale/billing on the
// pull requests whose branch has a request there, and one comment per
// pull request whose status changed, with both databases in it.
func TestDatabases_SyncTwo(t *testing.T) {
	t.Parallel()
	ps, url := multiAPI(t)
	var lists atomic.Int64
	ps.OnRequest(func(_ int, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/deploy-requests") {
			lists.Add(1)
		}
	})
	gh := ghsandbox.New(ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithRepo(e2eRepo), ghsandbox.WithToken(ghsandbox.Token{Value: e2eGitHubToken}))
	gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead})
	gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 8, HeadRef: "other", HeadSHA: prSHA(8)})
	srv := httptest.NewServer(gh)
	t.Cleanup(srv.Close)
	env := []string{"GITHUB_EVENT_NAME=schedule", "GITHUB_SHA=" + e2eMerge, "GITHUB_REPOSITORY=" + e2eRepo,
		"GITHUB_API_URL=" + srv.URL + "/api/v3", "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=4242"}
	in := gitHubInputs(url, map[string]string{"database": "shop\nbilling", "mode": "sync", "comment": "on-failure"})
	run := runChecked(t, in, gh, 7, 0, env...)
	if n := lists.Load(); n != 2 {
		t.Errorf("%d deploy request listings, want one per database", n)
	}
	if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); !ok || st.State != "failure" {
		t.Errorf("planetscale/shop on #7 = %+v (found %v), want failure", st, ok)
	}
	if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/billing"); !ok || st.State != "success" {
		t.Errorf("planetscale/billing on #7 = %+v (found %v), want success", st, ok)
	}
	if sts := gh.Statuses(e2eRepo, prSHA(8)); len(sts) != 0 {
		t.Errorf("#8 (no deploy request) got statuses %+v", sts)
	}
	c := gh.Comments(e2eRepo, 7)
	if len(c) != 1 || !strings.HasPrefix(c[0].Body, "<!-- deploy-request-gate:acme/billing,shop -->") ||
		!strings.Contains(c[0].Body, "| acme/shop | ❌ fail |") || !strings.Contains(c[0].Body, "| acme/billing | ✅ pass |") {
		t.Errorf("comments on #7 = %+v, want one over both databases", c)
	}
	for _, s := range []string{"## 🔄 Synced `planetscale/shop`", "## 🔄 Synced `planetscale/billing`"} {
		if !strings.Contains(run.summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.summary)
		}
	}

	// Again: nothing changed, nothing written.
	before := len(gh.Requests())
	run = runGate(t, in, env...)
	for _, q := range gh.Requests()[before:] {
		if q.Endpoint != ghsandbox.GraphQL && q.Method != http.MethodGet {
			t.Errorf("second sync wrote: %+v", q)
		}
	}
	if run.exitCode != 0 {
		t.Errorf("second sync: exit %d", run.exitCode)
	}
}

// TestDatabases_CLICheck: check over shop (blocked), billing (passing)
// and ledger (unreadable): exit 2, one JUnit testsuite per database,
// ledger's one error case, valid against the schema.
func TestDatabases_CLICheck(t *testing.T) {
	t.Parallel()
	_, url := multiAPI(t)
	r := runCommand(t, commandEnv(url, tokenID+":"+tokenSecret), "check", "shop,billing,ledger", "--format", "junit")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	suites := testkit.CheckJUnit(t, []byte(r.stdout))
	if len(suites) != 3 || suites[0].Failures != 1 || suites[1].Failures != 0 || suites[1].Tests != 1 || suites[2].Errors != 1 {
		t.Fatalf("want three suites (shop failing, billing passing, ledger in error): %+v", suites)
	}
	if !strings.Contains(r.stderr, "ledger: could not decide") || !strings.Contains(r.stderr, "--database ledger") {
		t.Errorf("stderr does not name ledger and its grant:\n%s", r.stderr)
	}
	r = runCommand(t, commandEnv(url, tokenID+":"+tokenSecret), "check", "shop,billing")
	if r.code != 1 || !strings.Contains(r.stdout, "acme/shop:\n") || !strings.Contains(r.stdout, "\nacme/billing:\n") {
		t.Errorf("exit %d, want 1 with a part per database:\n%s", r.code, r.stdout)
	}
}

// TestDatabases_Cancelled: SIGTERM during a wait over two databases leaves
// no pending status behind: each database's status goes from pending to
// error, the run ends result=error with exit 2.
func TestDatabases_Cancelled(t *testing.T) {
	t.Parallel()
	_, url := multiAPI(t)
	gh, env := githubEnv(t, "pull_request", prEvent)
	in := gitHubInputs(url, map[string]string{"database": "shop\nbilling", "comment": "never", "wait-timeout": "1m", "wait-interval": "5s"})
	p := startGate(t, in, env...)
	statesOf := func(context string) []string {
		var states []string
		for _, st := range gh.Statuses(e2eRepo, e2eHead) {
			if st.Context == context {
				states = append(states, st.State)
			}
		}
		return states
	}
	waitUntil(t, 20*time.Millisecond, "the gate never set its pending statuses", func() bool {
		return len(statesOf("planetscale/shop")) > 0 && len(statesOf("planetscale/billing")) > 0
	})
	time.Sleep(200 * time.Millisecond) // the first checks are under way or done: shop keeps blocking
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	run := p.wait()
	checkNoGitHubToken(t, run, gh, 7)
	if got := requireUndecided(t, run); !strings.Contains(got, "cancelled before the gate could decide") {
		t.Errorf("error annotation = %q, want it to say the job was cancelled", got)
	}
	for _, context := range []string{"planetscale/shop", "planetscale/billing"} {
		if got := statesOf(context); strings.Join(got, ",") != "pending,error" {
			t.Errorf("statuses of %s = %v, want [pending error]", context, got)
		}
	}
}
