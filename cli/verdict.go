package cli

import (
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// symbols replaces the report's emoji with signs that take one terminal
// column, so tables stay aligned.
var symbols = strings.NewReplacer("❌", "✗", "⚠️", "!", "✅", "✓", "➖", "-", "`", "")

// printVerdict shows the verdict on the terminal: the report's one-line
// verdict, what was checked, notes, a table of the matched requests
// (blocking ones first) and the links to the requests that need approval.
func (s *session) printVerdict(v check.Verdict, cfg check.Config) {
	headline := report.Headline(v, report.Report{Organization: cfg.Organization, Database: cfg.Database, Name: markdownFlagName})
	s.stdout.println(symbols.Replace(strings.TrimPrefix(headline, "## ")))
	w := s.width()
	s.stdout.println(wrap(fmt.Sprintf("Checked the open deploy requests of %s/%s%s with --fail-on %s: %d matched, %d approved, %d not deployed and not approved.",
		cfg.Organization, cfg.Database, filterWords(cfg.Filter.Branch, cfg.Filter.IntoBranch), v.Policy, len(v.Matched), v.Approved, v.Unapproved), w, ""))
	if v.ApprovalRequired != nil && !*v.ApprovalRequired {
		note := fmt.Sprintf("Note: database %s does not require approval for deploy requests, so PlanetScale leaves approved false unless someone approves anyway.", cfg.Database)
		if v.Policy == check.FailOnUnapproved {
			note += " Approve each request, turn on \"Require administrator approval for deploy requests\" in the database settings, or use --fail-on undeployed to gate on deployment instead."
		}
		s.stdout.printf("\n%s\n", wrap(note, w, ""))
	}
	if unknown := v.UnknownStates(); len(unknown) > 0 {
		s.stdout.printf("\n%s\n", wrap("Warning: unknown deployment state "+strings.Join(unknown, ", ")+": treated as not deployed, so it blocks when unapproved.", w, ""))
	}
	if len(v.Matched) == 0 {
		return
	}
	t := s.table("STATUS", "#", "BRANCH → INTO", "APPROVED", "DEPLOYMENT", "AGE").fixed(0, 1, 3, 5).arrows(2).cutFirst(4)
	var links []string
	for _, e := range v.BlockingFirst() {
		dr := e.DeployRequest
		t.add(status(e), fmt.Sprintf("#%d", dr.Number), dr.Branch+" → "+dr.IntoBranch, yesNo(dr.Approved), dr.DeploymentState, report.Age(s.now(), dr.CreatedAt))
		if e.Blocking || e.NeedsApproval {
			links = append(links, fmt.Sprintf("  #%d  %s", dr.Number, dr.HTMLURL))
		}
	}
	s.stdout.printf("\n%s", t.render(w))
	if len(links) > 0 {
		s.stdout.printf("\nLinks:\n%s\n", strings.Join(links, "\n"))
	}
}

// status words what the gate makes of a request, as the report does, with
// one-column signs: "✗ needs approval".
func status(e check.Entry) string { return symbols.Replace(report.Status(e)) }

// verdictJSON is check's JSON: the verdict, and each matched request as
// the API sent it, with what the gate makes of it.
type verdictJSON struct {
	// Result is "pass" or "fail".
	Result       string `json:"result"`
	Organization string `json:"organization"`
	Database     string `json:"database"`
	FailOn       string `json:"fail_on"`
	// ApprovalRequired is the database's require_approval_for_deploy, null
	// when it could not be read.
	ApprovalRequired *bool `json:"approval_required"`
	Total            int   `json:"total"`
	ApprovedCount    int   `json:"approved_count"`
	UnapprovedCount  int   `json:"unapproved_count"`
	// Blocking lists the numbers of the requests that fail the policy.
	Blocking       []int          `json:"blocking"`
	DeployRequests []checkedEntry `json:"deploy_requests"`
}

// checkedEntry is one matched request in check's JSON.
type checkedEntry struct {
	Number int `json:"number"`
	// Status is "needs approval", "not deployed", "approved", "applied" or
	// "no changes".
	Status        string `json:"status"`
	Blocking      bool   `json:"blocking"`
	NeedsApproval bool   `json:"needs_approval"`
	// DeployRequest holds the fields the gate decoded (the whole API object
	// is what deploy-requests --format json prints).
	DeployRequest check.DeployRequest `json:"deploy_request"`
}

func newVerdictJSON(v check.Verdict, cfg check.Config) verdictJSON {
	out := verdictJSON{
		Result: "pass", Organization: cfg.Organization, Database: cfg.Database, FailOn: string(v.Policy),
		ApprovalRequired: v.ApprovalRequired, Total: len(v.Matched), ApprovedCount: v.Approved, UnapprovedCount: v.Unapproved,
		Blocking: []int{}, DeployRequests: []checkedEntry{},
	}
	if !v.Passed() {
		out.Result = "fail"
	}
	for _, e := range v.Matched {
		if e.Blocking {
			out.Blocking = append(out.Blocking, e.DeployRequest.Number)
		}
		_, word, _ := strings.Cut(report.Status(e), " ")
		out.DeployRequests = append(out.DeployRequests, checkedEntry{
			Number: e.DeployRequest.Number, Status: word, Blocking: e.Blocking, NeedsApproval: e.NeedsApproval,
			DeployRequest: e.DeployRequest,
		})
	}
	return out
}
