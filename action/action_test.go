package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

func TestRun_Pass(t *testing.T) {
	t.Parallel()
	_, url := startShop(t,
		sandboxDR(1, "ready", true),
		sandboxDR(2, "complete_pending_revert", false),
		sandboxDR(3, "no_changes", false),
		sandbox.DeployRequest{Number: 4, Branch: "old", IntoBranch: "main", State: "closed", DeploymentState: "ready"},
	)
	r := mustRun(t, gateInputs(url), ResultPass)
	if got := outputNames(r.outputs); !slices.Equal(got, outputOrder) {
		t.Errorf("outputs = %q, want %q", got, outputOrder)
	}
	want := map[string]string{"result": "pass", "total": "3", "approved-count": "1", "unapproved-count": "0", "blocking": ""}
	got := outputMap(r.outputs)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("output %s = %q, want %q", k, got[k], w)
		}
	}
	if !slices.Contains(lines(r.log), "::add-mask::"+testSecret) {
		t.Errorf("secret not masked; log:\n%s", r.log)
	}
	notices := annotations(r.log, "notice")
	wantNotice := "::notice title=Deploy request gate passed::acme/shop: 3 open deploy requests matched and none blocks (fail-on: unapproved)"
	if len(notices) != 1 || notices[0] != wantNotice {
		t.Errorf("notices = %q, want [%q]", notices, wantNotice)
	}
	if errs := annotations(r.log, "error"); len(errs) != 0 {
		t.Errorf("error annotations on pass: %q", errs)
	}
	if !strings.HasPrefix(r.summary, "## ✅ No deploy request blocks this change\n") {
		t.Errorf("summary does not start with the pass headline:\n%s", r.summary)
	}
	if len(tableRows(r.summary)) != 3 {
		t.Errorf("summary has %d rows, want 3:\n%s", len(tableRows(r.summary)), r.summary)
	}
}

func TestRun_NoDeployRequests(t *testing.T) {
	t.Parallel()
	_, url := startShop(t)
	r := mustRun(t, gateInputs(url), ResultPass)
	if got, want := outputMap(r.outputs)["deploy-requests"], "[]"; got != want {
		t.Errorf("deploy-requests = %q, want %q", got, want)
	}
	if want := "::notice title=Deploy request gate passed::acme/shop: no open deploy requests matched"; !slices.Contains(lines(r.log), want) {
		t.Errorf("log lacks %q:\n%s", want, r.log)
	}
	if !strings.HasPrefix(r.summary, "## ✅ No open deploy requests\n") {
		t.Errorf("summary headline wrong:\n%s", r.summary)
	}
}

func TestRun_Fail(t *testing.T) {
	t.Parallel()
	drs := []sandbox.DeployRequest{
		sandboxDR(30, "ready", false),
		sandboxDR(29, "ready", true),
		sandboxDR(28, "complete", false),
		sandboxDR(27, "error", false),
		sandboxDR(26, "pending_cutover", true),
		sandbox.DeployRequest{Number: 25, Branch: "old", IntoBranch: "main", State: "closed", DeploymentState: "ready"},
		sandboxDR(3, "queued", false),
	}
	drs[3].OmitDeployment = true
	srv, url := startSandbox(t,
		sandbox.WithDatabase(shopDB(drs...)), sandbox.WithToken(testToken),
		sandbox.WithMaxPerPage(2)) // three pages of open requests
	r := mustRun(t, gateInputs(url), ResultFail)
	if got := outputNames(r.outputs); !slices.Equal(got, outputOrder) {
		t.Errorf("outputs = %q, want %q", got, outputOrder)
	}
	got := outputMap(r.outputs)
	want := map[string]string{"result": "fail", "total": "6", "approved-count": "2", "unapproved-count": "3", "blocking": "3,27,30"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("output %s = %q, want %q", k, got[k], w)
		}
	}
	// The first item is written out whole: its keys, their order and values.
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(got["deploy-requests"]), &items); err != nil {
		t.Fatalf("deploy-requests: %v\n%s", err, got["deploy-requests"])
	}
	if len(items) != 6 {
		t.Fatalf("deploy-requests has %d items, want 6", len(items))
	}
	wantItem := `{"number":3,"branch":"feature-3","into_branch":"main","approved":false,"state":"open","deployment_state":"queued",` +
		`"deployable":true,"html_url":"https://app.planetscale.com/acme/shop/deploy-requests/3","created_at":"2026-11-20T10:00:00Z","blocking":true,"can_drop_data":false,"operations":0}`
	if string(items[0]) != wantItem {
		t.Errorf("first deploy request =\n%s\nwant\n%s", items[0], wantItem)
	}
	var next [2]struct {
		Number     int  `json:"number"`
		Deployable bool `json:"deployable"`
	}
	for i := range next {
		if err := json.Unmarshal(items[i+1], &next[i]); err != nil {
			t.Fatalf("deploy-requests item %d: %v", i+1, err)
		}
	}
	if next[0].Number != 26 || next[1].Number != 27 || next[1].Deployable {
		t.Errorf("items 1 and 2 = %+v, %+v; want #26 and #27 (no deployment: not deployable)", next[0], next[1])
	}

	errs := annotations(r.log, "error")
	wantErrs := []string{
		"::error title=Deploy request #3 is not approved::acme/shop: feature-3 → main needs approval (deployment state: queued): https://app.planetscale.com/acme/shop/deploy-requests/3",
		"::error title=Deploy request #27 is not approved::acme/shop: feature-27 → main needs approval (deployment state: error): https://app.planetscale.com/acme/shop/deploy-requests/27",
		"::error title=Deploy request #30 is not approved::acme/shop: feature-30 → main needs approval (deployment state: ready): https://app.planetscale.com/acme/shop/deploy-requests/30",
	}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("error annotations =\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}
	if n := len(annotations(r.log, "notice")); n != 0 {
		t.Errorf("%d notices on fail, want 0", n)
	}

	if !strings.HasPrefix(r.summary, "## ❌ 3 deploy requests need approval\n") {
		t.Errorf("summary headline wrong:\n%s", r.summary)
	}
	rows := tableRows(r.summary)
	if len(rows) != 6 {
		t.Fatalf("summary has %d rows, want 6:\n%s", len(rows), r.summary)
	}
	wantFirst := []string{"❌ needs approval", "[#3](https://app.planetscale.com/acme/shop/deploy-requests/3)", "feature-3 → main", "no", "queued", "2h"}
	if got := cells(rows[0]); !slices.Equal(got, wantFirst) {
		t.Errorf("first row = %q, want %q", got, wantFirst)
	}

	// Every page was read, with the documented query, twice: a list of more
	// than one page counts only when two walks agree.
	pages := testkit.ListPages(t, srv.Requests(), "acme", "shop")
	if want := []string{"1", "2", "3", "1", "2", "3"}; !testkit.SameWalks(pages, want) {
		t.Errorf("pages read = %q, want %q", pages, want)
	}
}

func TestRun_FailOnUndeployed(t *testing.T) {
	t.Parallel()
	_, url := startShop(t, sandboxDR(1, "ready", true), sandboxDR(2, "complete", true))
	in := gateInputs(url)
	in["INPUT_FAIL-ON"] = "undeployed"
	r := mustRun(t, in, ResultFail)
	if got := outputMap(r.outputs)["blocking"]; got != "1" {
		t.Errorf("blocking = %q, want %q", got, "1")
	}
	want := "::error title=Deploy request #1 is not deployed::acme/shop: feature-1 → main is approved but not deployed yet (deployment state: ready): https://app.planetscale.com/acme/shop/deploy-requests/1"
	if got := annotations(r.log, "error"); !slices.Equal(got, []string{want}) {
		t.Errorf("error annotations = %q, want [%q]", got, want)
	}
	if !strings.HasPrefix(r.summary, "## ❌ 1 deploy request is not deployed yet\n") {
		t.Errorf("summary headline wrong:\n%s", r.summary)
	}
}

func TestRun_FailOnNever(t *testing.T) {
	t.Parallel()
	_, url := startShop(t, sandboxDR(1, "ready", false), sandboxDR(2, "ready", true), sandboxDR(3, "pending", false))
	in := gateInputs(url)
	in["INPUT_FAIL-ON"] = "never"
	r := mustRun(t, in, ResultPass)
	got := outputMap(r.outputs)
	if got["result"] != "pass" || got["blocking"] != "" || got["unapproved-count"] != "2" {
		t.Errorf("outputs = %q, want result pass, no blocking, 2 unapproved", r.outputs)
	}
	wantWarnings := []string{
		"::warning title=Deploy request #1 is not approved::acme/shop: feature-1 → main needs approval (report only: fail-on is never): https://app.planetscale.com/acme/shop/deploy-requests/1",
		"::warning title=Deploy request #3 is not approved::acme/shop: feature-3 → main needs approval (report only: fail-on is never): https://app.planetscale.com/acme/shop/deploy-requests/3",
	}
	if w := annotations(r.log, "warning"); !slices.Equal(w, wantWarnings) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(w, "\n"), strings.Join(wantWarnings, "\n"))
	}
	if n := len(annotations(r.log, "error")); n != 0 {
		t.Errorf("%d error annotations under fail-on never, want 0", n)
	}
	if n := len(annotations(r.log, "notice")); n != 1 {
		t.Errorf("%d notices, want 1", n)
	}
	if !strings.HasPrefix(r.summary, "## ⚠️ 2 deploy requests need approval (report only: `fail-on: never`)\n") {
		t.Errorf("summary headline wrong:\n%s", r.summary)
	}
}

func TestRun_ManyBlocking(t *testing.T) {
	t.Parallel()
	var drs []sandbox.DeployRequest
	for n := 1; n <= 13; n++ {
		drs = append(drs, sandboxDR(n, "ready", false))
	}
	drs = append(drs, sandboxDR(14, "ready", true))
	_, url := startShop(t, drs...)
	r := mustRun(t, gateInputs(url), ResultFail)
	errs := annotations(r.log, "error")
	if len(errs) != 10 {
		t.Fatalf("got %d error annotations, want 10:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	for i, e := range errs {
		if want := fmt.Sprintf("::error title=Deploy request #%d is not approved::", i+1); !strings.HasPrefix(e, want) {
			t.Errorf("annotation %d = %q, want it to start with %q", i, e, want)
		}
	}
	rest := "…and 3 more blocking deploy requests: #11, #12, #13 (see the job summary)"
	if !slices.Contains(lines(r.log), rest) {
		t.Errorf("log lacks %q:\n%s", rest, r.log)
	}
	if got := outputMap(r.outputs)["blocking"]; got != "1,2,3,4,5,6,7,8,9,10,11,12,13" {
		t.Errorf("blocking = %q, want all 13", got)
	}
}

func TestRun_ManyUnapprovedUnderNever(t *testing.T) {
	t.Parallel()
	var drs []sandbox.DeployRequest
	for n := 1; n <= 12; n++ {
		drs = append(drs, sandboxDR(n, "ready", false))
	}
	_, url := startShop(t, drs...)
	in := gateInputs(url)
	in["INPUT_FAIL-ON"] = "never"
	r := mustRun(t, in, ResultPass)
	if n := len(annotations(r.log, "warning")); n != 10 {
		t.Errorf("got %d warnings, want 10", n)
	}
	if rest := "…and 2 more unapproved deploy requests: #11, #12"; !slices.Contains(lines(r.log), rest) {
		t.Errorf("log lacks %q:\n%s", rest, r.log)
	}
}

func TestRun_Filters(t *testing.T) {
	t.Parallel()
	feature := sandboxDR(2, "ready", false)
	feature.Branch = "add index"
	other := sandboxDR(3, "ready", false)
	srv, url := startShop(t, feature, other)
	in := gateInputs(url)
	in["INPUT_BRANCH"] = "add index"
	in["INPUT_INTO-BRANCH"] = "main"
	r := mustRun(t, in, ResultFail)
	if got := outputMap(r.outputs); got["blocking"] != "2" || got["total"] != "1" {
		t.Errorf("outputs = %q, want only #2", r.outputs)
	}
	reqs := srv.Requests()
	if len(reqs) == 0 || reqs[0].Query["branch"] != "add index" || reqs[0].Query["into_branch"] != "main" {
		t.Errorf("first request = %+v, want branch and into_branch in the query", reqs)
	}
	if !strings.Contains(r.summary, "from **add index** into **main**") {
		t.Errorf("summary does not name the filter:\n%s", r.summary)
	}
}

func TestRun_ApprovalNotRequired(t *testing.T) {
	t.Parallel()
	db := shopDB(sandboxDR(1, "ready", false))
	db.RequireApproval = false
	_, url := startSandbox(t, sandbox.WithDatabase(db), sandbox.WithToken(testToken))
	r := mustRun(t, gateInputs(url), ResultFail)
	if !strings.Contains(r.summary, "> [!NOTE]\n> Database **shop** does not require approval") {
		t.Errorf("summary lacks the approval note:\n%s", r.summary)
	}
}

func TestRun_RetriesThenPasses(t *testing.T) {
	t.Parallel()
	srv, url := startShop(t, sandboxDR(1, "ready", true))
	srv.InjectFaults(sandbox.Unavailable, sandbox.RateLimitedFor("1"))
	r := mustRun(t, gateInputs(url), ResultPass)
	for _, want := range []string{"PlanetScale API: attempt 1 failed (", "PlanetScale API: attempt 2 failed ("} {
		if !strings.Contains(r.log, want) {
			t.Errorf("log lacks %q:\n%s", want, r.log)
		}
	}
}

// TestRunErrors: every way the gate cannot decide ends in result=error, an
// error summary and one error annotation that explains it.
func TestRun_Errors(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(sandbox.New())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name   string
		setup  func(t *testing.T) map[string]string
		wantIn []string
	}{
		{"not_found_missing_grant", func(t *testing.T) map[string]string {
			tok := testToken
			tok.Grants = map[string][]string{"acme/shop": {"read_branch"}}
			_, url := startSandbox(t, sandbox.WithDatabase(shopDB(sandboxDR(1, "ready", false))), sandbox.WithToken(tok))
			return gateInputs(url)
		}, []string{`Organization \"acme\" or database \"shop\" not found`, "`read_deploy_request`", "app.planetscale.com/acme/shop", "404 Not Found"}},
		{"not_found_database", func(t *testing.T) map[string]string {
			_, url := startShop(t)
			in := gateInputs(url)
			in["INPUT_DATABASE"] = "shoq"
			return in
		}, []string{`Organization \"acme\" or database \"shoq\" not found`, "`read_deploy_request` on \\\"shoq\\\""}},
		{"unauthorized", func(t *testing.T) map[string]string {
			_, url := startShop(t)
			in := gateInputs(url)
			in["INPUT_SERVICE-TOKEN"] = otherTokenID + ":" + otherSecret
			return in
		}, []string{"PlanetScale rejected the service token (401 Unauthorized)", "Service tokens", "`service-token`"}},
		{"server_keeps_failing", func(t *testing.T) map[string]string {
			srv, url := startShop(t)
			srv.InjectFaults(sandbox.InternalError, sandbox.InternalError, sandbox.InternalError)
			return gateInputs(url)
		}, []string{"The PlanetScale API kept failing (500 Internal Server Error)", "gave up after 3 attempts"}},
		{"rate_limited", func(t *testing.T) map[string]string {
			srv, url := startShop(t)
			srv.InjectFaults(sandbox.RateLimited, sandbox.RateLimited, sandbox.RateLimited)
			return gateInputs(url)
		}, []string{"429 Too Many Requests", "600 requests a minute"}},
		{"network_error", func(t *testing.T) map[string]string {
			return gateInputs(closedURL)
		}, []string{"Could not reach the PlanetScale API at " + closedURL}},
		{"paging_stuck", func(t *testing.T) map[string]string {
			_, url := startSandbox(t, sandbox.WithDatabase(shopDB(sandboxDR(1, "ready", true), sandboxDR(2, "ready", true))),
				sandbox.WithToken(testToken), sandbox.WithMaxPerPage(1), sandbox.WithPagingBug(sandbox.PagingStuck))
			return gateInputs(url)
		}, []string{"pages did not add up", "does not advance"}},
		{"bad_input", func(t *testing.T) map[string]string {
			return map[string]string{"INPUT_SERVICE-TOKEN": "Bearer " + testSecret, "INPUT_FAIL-ON": "sometimes"}
		}, []string{"bad input:", `input \"organization\" is required`, `input \"database\" is required`, `starts with \"Bearer \"`, `input \"fail-on\"`}},
		{"no_token", func(t *testing.T) map[string]string {
			in := gateInputs("https://api.planetscale.com")
			delete(in, "INPUT_SERVICE-TOKEN")
			return in
		}, []string{"no service token"}},
		{"plain_http_api_url", func(t *testing.T) map[string]string {
			return gateInputs("http://api.planetscale.com")
		}, []string{`input \"api-url\"`, "plain http"}},
		{"timeout_without_answer", func(t *testing.T) map[string]string {
			srv, url := startShop(t)
			srv.InjectFaults(sandbox.Fault{Delay: time.Minute, Status: 200})
			in := gateInputs(url)
			in["INPUT_TIMEOUT"] = "1s"
			return in
		}, []string{"No answer from the PlanetScale API at " + "http://127.0.0.1", "within the timeout (1s)"}},
		{"timeout_reports_last_error", func(t *testing.T) map[string]string {
			srv, url := startShop(t)
			srv.InjectFaults(sandbox.Unavailable, sandbox.Fault{Delay: time.Minute, Status: 200})
			in := gateInputs(url)
			in["INPUT_TIMEOUT"] = "1s"
			return in
		}, []string{"kept failing (503 Service Unavailable)", "the timeout ran out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustRun(t, tt.setup(t), ResultError)
			if want := []Output{{"result", "error"}}; !slices.Equal(r.outputs, want) {
				t.Errorf("outputs = %q, want %q", r.outputs, want)
			}
			errs := annotations(r.log, "error")
			if len(errs) != 1 || !strings.HasPrefix(errs[0], "::error title=Deploy request gate could not decide::") {
				t.Fatalf("error annotations = %q, want one titled \"Deploy request gate could not decide\"", errs)
			}
			// The annotation's message, unescaped as the runner does.
			msg := strings.TrimPrefix(errs[0], "::error title=Deploy request gate could not decide::")
			msg = strings.NewReplacer("%0A", "\n", "%0D", "\r", "%25", "%").Replace(msg)
			for _, want := range tt.wantIn {
				want = strings.ReplaceAll(want, `\"`, `"`)
				if !strings.Contains(msg, want) {
					t.Errorf("annotation %q lacks %q", msg, want)
				}
			}
			if !strings.HasPrefix(r.summary, "## ⚠️ Could not check deploy requests\n") ||
				!strings.Contains(r.summary, "The gate fails closed") {
				t.Errorf("summary is not the error summary:\n%s", r.summary)
			}
			if strings.Contains(r.log, "goroutine ") || strings.Contains(r.log, "panic") {
				t.Errorf("log shows a stack trace:\n%s", r.log)
			}
			if n := len(annotations(r.log, "notice")); n != 0 {
				t.Errorf("%d notices on error, want 0", n)
			}
		})
	}
}

// TestRunBadInputMasksFirst: with an invalid config the secret is masked
// before the error is printed.
func TestRun_BadInputMasksFirst(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"INPUT_SERVICE-TOKEN": testSecret + ":" + testTokenID}
	r := mustRun(t, vars, ResultError)
	ls := lines(r.log)
	if len(ls) < 2 || !strings.HasPrefix(ls[0], "::add-mask::") {
		t.Fatalf("log does not start with ::add-mask::\n%s", r.log)
	}
	if !slices.Contains(ls, "::add-mask::"+testSecret) {
		t.Errorf("secret not masked:\n%s", r.log)
	}
	if !strings.Contains(r.log, "swapped") {
		t.Errorf("log does not explain the swapped token:\n%s", r.log)
	}
}

func TestRun_WithoutRunnerFiles(t *testing.T) {
	t.Parallel()
	_, url := startShop(t, sandboxDR(1, "ready", false))
	in := gateInputs(url)
	in["GITHUB_OUTPUT"] = ""
	in["GITHUB_STEP_SUMMARY"] = ""
	r := mustRun(t, in, ResultFail)
	for _, want := range []string{"GITHUB_OUTPUT is not set", "  result=fail", "  blocking=1", "  total=1", "  deploy-requests=[{"} {
		if !strings.Contains(r.log, want) {
			t.Errorf("log lacks %q:\n%s", want, r.log)
		}
	}
	if n := len(annotations(r.log, "error")); n != 1 {
		t.Errorf("got %d error annotations, want 1", n)
	}
}

// TestRun_UnwritableRunnerFiles: a runner file that cannot be written is an
// error, and what could be written still is.
func TestRun_UnwritableRunnerFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		// missing names the runner file whose directory does not exist.
		name, missing string
		wantInMsg     []string
	}{
		{"output_dir_missing", "GITHUB_OUTPUT", []string{"could not write the step outputs (GITHUB_OUTPUT)", "no such file or directory"}},
		{"summary_dir_missing", "GITHUB_STEP_SUMMARY", []string{"could not write the job summary (GITHUB_STEP_SUMMARY)", "no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, url := startShop(t, sandboxDR(1, "ready", false))
			in := gateInputs(url)
			runnerFiles(t, in)
			in[tt.missing] = filepath.Join(t.TempDir(), "no-such-dir", "file")
			r := mustRun(t, in, ResultError)
			errs := annotations(r.log, "error")
			if len(errs) != 1 {
				t.Fatalf("error annotations = %q, want 1", errs)
			}
			for _, want := range tt.wantInMsg {
				if !strings.Contains(errs[0], want) {
					t.Errorf("annotation %q lacks %q", errs[0], want)
				}
			}
			if tt.missing != "GITHUB_OUTPUT" {
				// The verdict's outputs were written, then result=error; the runner keeps the last.
				if got := outputMap(r.outputs)["result"]; got != "error" {
					t.Errorf("result output = %q, want %q", got, "error")
				}
			}
			if tt.missing != "GITHUB_STEP_SUMMARY" && !strings.HasPrefix(r.summary, "## ⚠️ Could not check deploy requests\n") {
				t.Errorf("summary is not the error summary:\n%s", r.summary)
			}
		})
	}
}

// TestRunHostileAPIStrings: strings from the API reach the annotations and
// summary without injecting workflow commands or breaking the table.
func TestRun_HostileAPIStrings(t *testing.T) {
	t.Parallel()
	d := sandboxDR(1, "ready", false)
	d.Branch = "x\n::error::injected\n|<script>"
	_, url := startShop(t, d)
	r := mustRun(t, gateInputs(url), ResultFail)
	for _, l := range lines(r.log) {
		if strings.HasPrefix(l, "::error::injected") {
			t.Errorf("a branch name injected a workflow command: %q", l)
		}
	}
	rows := tableRows(r.summary)
	if len(rows) != 1 || unescapedPipes(rows[0]) != 7 || strings.Contains(rows[0], "<script>") {
		t.Errorf("rows = %q, want one row with 7 cell borders and no HTML", rows)
	}
}

// TestMain_PanicFailsClosed: a bug that panics ends as one error annotation
// and exit status 2, not a stack trace.
func TestMain_PanicFailsClosed(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	code := Main(context.Background(), Options{Stdout: &out, Getenv: func(string) string { panic("boom") }})
	if code != 2 {
		t.Errorf("Main = %d, want 2", code)
	}
	if got, want := out.String(), "::error title=Deploy request gate crashed::internal error: boom. The gate fails closed; please report this with the step log.\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}
