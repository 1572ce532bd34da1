package action

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// keep redacts nothing.
func keep(s string) string { return s }

// outputsOf is the outputs for drs under fail-on unapproved, nothing
// redacted.
func outputsOf(drs ...check.DeployRequest) []Output {
	return Outputs(check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved), keep)
}

var outputOrder = []string{"result", "total", "approved-count", "unapproved-count", "blocking", "deploy-requests", "drops-data"}

func TestOutputs(t *testing.T) {
	t.Parallel()
	withDeployment := func(d check.DeployRequest, deployable bool) check.DeployRequest {
		d.Deployment = &check.Deployment{State: d.DeploymentState, Deployable: deployable}
		return d
	}
	drs := []check.DeployRequest{
		withDeployment(dr(12, "ready", false), true),
		withDeployment(dr(3, "pending", false), false),
		withDeployment(dr(100, "complete", true), true),
		withDeployment(dr(7, "ready", true), true),
		dr(25, "error", false), // no deployment object
		{Number: 2, State: "closed", DeploymentState: "ready"},
	}
	tests := []struct {
		name   string
		policy check.Policy
		want   []Output
	}{
		{"unapproved", check.FailOnUnapproved, []Output{
			{"result", "fail"}, {"total", "5"}, {"approved-count", "2"}, {"unapproved-count", "3"}, {"blocking", "3,12,25"}}},
		{"undeployed", check.FailOnUndeployed, []Output{
			{"result", "fail"}, {"total", "5"}, {"approved-count", "2"}, {"unapproved-count", "3"}, {"blocking", "3,7,12,25"}}},
		{"never", check.FailNever, []Output{
			{"result", "pass"}, {"total", "5"}, {"approved-count", "2"}, {"unapproved-count", "3"}, {"blocking", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Outputs(check.Evaluate(drs, check.Filter{}, tt.policy), keep)
			if names := outputNames(got); !slices.Equal(names, outputOrder) {
				t.Fatalf("output names = %q, want %q", names, outputOrder)
			}
			for i, want := range tt.want {
				if got[i] != want {
					t.Errorf("output %s = %q, want %q", want.Name, got[i].Value, want.Value)
				}
			}
			var items []struct {
				Number   int  `json:"number"`
				Blocking bool `json:"blocking"`
			}
			if err := json.Unmarshal([]byte(got[5].Value), &items); err != nil {
				t.Fatalf("deploy-requests is not a JSON array: %v\n%s", err, got[5].Value)
			}
			var numbers, blocking []int
			for _, it := range items {
				numbers = append(numbers, it.Number)
				if it.Blocking {
					blocking = append(blocking, it.Number)
				}
			}
			if want := []int{3, 7, 12, 25, 100}; !slices.Equal(numbers, want) {
				t.Errorf("deploy-requests numbers = %v, want %v", numbers, want)
			}
			// The blocking output, "3,12,25", read as a JSON array.
			var wantBlocking []int
			if err := json.Unmarshal([]byte("["+tt.want[4].Value+"]"), &wantBlocking); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(blocking, wantBlocking) {
				t.Errorf("deploy-requests blocking = %v, want %v", blocking, wantBlocking)
			}
		})
	}
}

func TestOutputs_DeployRequestJSON(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 10, 25, 16, 54, 59, 797_000_000, time.FixedZone("CEST", 2*60*60))
	d := check.DeployRequest{
		ID: "4xsz0ql82y4n", Number: 42, Branch: "add-<index>|x", IntoBranch: "main", Approved: false,
		State: "open", DeploymentState: "ready", Notes: "not in the output",
		Deployment: &check.Deployment{State: "ready", Deployable: true},
		HTMLURL:    "https://app.planetscale.com/acme/shop/deploy-requests/42", CreatedAt: created,
	}
	// One line, these keys in this order, outside text escaped for HTML,
	// the time in UTC.
	got := outputsOf(d)[5].Value
	want := `[{"number":42,"branch":"add-\u003cindex\u003e|x","into_branch":"main","approved":false,"state":"open",` +
		`"deployment_state":"ready","deployable":true,"html_url":"https://app.planetscale.com/acme/shop/deploy-requests/42",` +
		`"created_at":"2026-10-25T14:54:59Z","blocking":true,"can_drop_data":false,"operations":null}]`
	if got != want {
		t.Errorf("deploy-requests =\n%s\nwant\n%s", got, want)
	}
}

func TestOutputs_EdgeValues(t *testing.T) {
	t.Parallel()
	t.Run("no_matches", func(t *testing.T) {
		t.Parallel()
		got := outputsOf()
		want := []Output{{"result", "pass"}, {"total", "0"}, {"approved-count", "0"}, {"unapproved-count", "0"}, {"blocking", ""}, {"deploy-requests", "[]"}, {"drops-data", ""}}
		if !slices.Equal(got, want) {
			t.Errorf("Outputs = %q, want %q", got, want)
		}
	})
	t.Run("zero_created_at_and_no_deployment", func(t *testing.T) {
		t.Parallel()
		d := check.DeployRequest{Number: 1, State: "open", DeploymentState: "ready", Approved: true}
		got := outputsOf(d)[5].Value
		want := `[{"number":1,"branch":"","into_branch":"","approved":true,"state":"open","deployment_state":"ready","deployable":false,"html_url":"","created_at":"","blocking":false,"can_drop_data":false,"operations":null}]`
		if got != want {
			t.Errorf("deploy-requests = %s, want %s", got, want)
		}
	})
	t.Run("numbers_sort_numerically", func(t *testing.T) {
		t.Parallel()
		drs := []check.DeployRequest{dr(100, "ready", false), dr(9, "ready", false), dr(10, "ready", false), dr(1000, "ready", false)}
		if got, want := outputsOf(drs...)[4].Value, "9,10,100,1000"; got != want {
			t.Errorf("blocking = %q, want %q", got, want)
		}
	})
}

// TestOutputsSurviveRunnerFile: written with SetOutput and read back as the
// runner reads GITHUB_OUTPUT, values with line breaks or a fake delimiter in
// branch names come back whole.
func TestOutputs_SurviveRunnerFile(t *testing.T) {
	t.Parallel()
	d := dr(1, "ready", false)
	d.Branch = "x\n_GitHubActionsFileCommandDelimeter_\nresult=pass"
	want := outputsOf(d)
	vars := map[string]string{}
	outPath, _ := runnerFiles(t, vars)
	a, _ := newTestAction(vars)
	if err := writeOutputs(a, want); err != nil {
		t.Fatalf("writeOutputs: %v", err)
	}
	got := parseRunnerOutputs(t, readFile(t, outPath))
	if !slices.Equal(got, want) {
		t.Errorf("outputs read back = %q, want %q", got, want)
	}
}

func TestWriteOutputs_WithoutRunner(t *testing.T) {
	t.Parallel()
	a, buf := newTestAction(map[string]string{})
	outs := []Output{{"result", "pass"}, {"blocking", ""}}
	if err := writeOutputs(a, outs); err != nil {
		t.Fatalf("writeOutputs: %v", err)
	}
	if err := writeSummary(a, "# hi"); err != nil {
		t.Fatalf("writeSummary: %v", err)
	}
	for _, want := range []string{"GITHUB_OUTPUT is not set", "  result=pass\n", "  blocking=\n", "::debug::GITHUB_STEP_SUMMARY is not set"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, buf)
		}
	}
}

// TestOutputs_DeployRequestsCapped: over the size cap, both forms of the
// deploy-requests output (one database, several) keep the blocking
// requests first, then each other one that still fits (a long one left
// out does not stop a shorter one after it), and list what they keep in
// their own order (number; database, then number), exactly as marshalled.
func TestOutputs_DeployRequestsCapped(t *testing.T) {
	t.Parallel()
	entry := func(n int, blocking bool, branch string) check.Entry {
		return check.Entry{DeployRequest: check.DeployRequest{Number: n, Branch: branch, State: "open", DeploymentState: "ready"}, Blocking: blocking}
	}
	long := entry(1, false, strings.Repeat("long-branch-", 20))
	entries := []check.Entry{long, entry(2, true, "b"), entry(3, false, "c"), entry(4, true, "d")}
	single := func(e check.Entry) string {
		b, err := json.Marshal(newDeployRequestOutput(e, keep))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// Room for #2, #3 and #4 (each with its comma), not for #1 too.
	limit := 2 + len(single(entries[1])) + 1 + len(single(entries[2])) + 1 + len(single(entries[3])) + 1
	v := check.Verdict{Matched: entries}
	want := "[" + single(entries[1]) + "," + single(entries[2]) + "," + single(entries[3]) + "]"
	if got := deployRequestsJSON(v, keep, limit); got != want {
		t.Errorf("one database:\n got %s\nwant %s", got, want)
	}
	if got, all := deployRequestsJSON(v, keep, limit+len(single(long))+1), "["+single(long)+","+want[1:]; got != all {
		t.Errorf("one database, room for all:\n got %s\nwant %s", got, all)
	}
	if got := deployRequestsJSON(v, keep, 2+len(single(entries[1]))+1); got != "["+single(entries[1])+"]" {
		t.Errorf("one database, room for one: got %s, want #2 alone", got)
	}

	items := []dbEntry{{"shop", entries[0]}, {"shop", entries[1]}, {"billing", entries[2]}, {"billing", entries[3]}}
	multi := func(it dbEntry) string {
		b, err := json.Marshal(deployRequestDBOutput{Database: it.database, deployRequestOutput: newDeployRequestOutput(it.Entry, keep)})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	limit = 2 + len(multi(items[1])) + 1 + len(multi(items[2])) + 1 + len(multi(items[3])) + 1
	want = "[" + multi(items[1]) + "," + multi(items[2]) + "," + multi(items[3]) + "]"
	if got := databasesDeployRequestsJSON(items, keep, limit); got != want {
		t.Errorf("several databases:\n got %s\nwant %s", got, want)
	}
	if got := databasesDeployRequestsJSON(items, keep, 2+len(multi(items[1]))+1); got != "["+multi(items[1])+"]" {
		t.Errorf("several databases, room for one: got %s, want shop#2 alone", got)
	}
	if !strings.HasPrefix(multi(items[1]), `{"database":"shop","number":2,`) {
		t.Errorf("item %s does not start with its database", multi(items[1]))
	}
}
