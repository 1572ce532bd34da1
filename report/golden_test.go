package report

import (
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

func TestMarkdown_Golden(t *testing.T) {
	t.Parallel()
	notRequired := false
	drs := []check.DeployRequest{
		testkit.DR(105, "ready", false), testkit.DR(114, "pending", false), testkit.DR(7, "ready", true),
		testkit.DR(9, "complete", false), testkit.DR(11, "no_changes", false), testkit.DR(12, "frobnicating", true),
	}
	drs[0].Branch = "add_orders|index <b>"
	r := Report{Organization: "acme", Database: "shop", Now: testkit.Now, FullList: "the `deploy-requests` output lists them all"}
	tests := []struct {
		name   string
		policy check.Policy
		drs    []check.DeployRequest
		edit   func(*check.Verdict, *Report)
	}{
		{"fail_unapproved.md", check.FailOnUnapproved, drs, nil},
		{"fail_undeployed.md", check.FailOnUndeployed, drs, nil},
		{"report_only.md", check.FailNever, drs, func(v *check.Verdict, _ *Report) { v.ApprovalRequired = &notRequired }},
		{"pass_none.md", check.FailOnUnapproved, nil, func(_ *check.Verdict, r *Report) { r.Filter = check.Filter{Branch: "feature-1", IntoBranch: "main"} }},
		{"cut_short.md", check.FailOnUnapproved, drs, func(_ *check.Verdict, r *Report) { r.MaxBytes = 900 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, rep := check.Evaluate(tt.drs, check.Filter{}, tt.policy), r
			if tt.edit != nil {
				tt.edit(&v, &rep)
			}
			testkit.Golden(t, tt.name, Markdown(v, rep))
		})
	}
}

func TestFailureMarkdown_Golden(t *testing.T) {
	t.Parallel()
	r := Report{Organization: "acme", Database: "shop", Now: testkit.Now, Redactor: sanitize.NewRedactor("pscale_tkn_goldenSecret")}
	testkit.Golden(t, "failure_api.md", FailureMarkdown(Failure{
		Lead:  "Organization \"acme\" or database \"shop\" not found, or the service token lacks `read_deploy_request` on \"shop\".",
		Error: "list deploy requests: page 1: PlanetScale API answered 404 Not Found (not_found: token pscale_tkn_goldenSecret)",
		Help:  check.TroubleshootingURL + "#not-found",
	}, r))
	testkit.Golden(t, "failure_inputs.md", FailureMarkdown(Failure{
		Lead:  "bad input:",
		Items: []string{`input "organization" is required`, `input "timeout": "soon" is not a duration`},
		Help:  check.TroubleshootingURL + "#bad-input",
	}, Report{Now: testkit.Now}))
}

func TestSyncReposMarkdown_Golden(t *testing.T) {
	t.Parallel()
	rows := []SyncRow{
		{Number: 1, URL: "https://github.com/acme/app/pull/1", Branch: "feature/Add_Index", State: "failure", Description: "1 deploy request needs approval: #105"},
		{Number: 2, URL: "https://github.com/acme/app/pull/2", Branch: "docs", State: "success", Description: "no open deploy request for branch docs"},
		{Number: 3, URL: "https://github.com/acme/app/pull/3", Branch: "@someone", Description: "a pull request from a fork: sync never sets its status"},
	}
	sections := []SyncSection{
		{Repository: "acme/app", Rows: rows},
		{Repository: "acme/docs"},
		{Repository: "acme/private", Error: "the token cannot reach acme/private (404)"},
	}
	testkit.Golden(t, "sync.md", SyncReposMarkdown(sections, "planetscale/shop", Report{Organization: "acme", Database: "shop", Now: testkit.Now}))
}
