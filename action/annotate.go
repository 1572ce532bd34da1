package action

import (
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// maxAnnotations is how many error (or warning) annotations GitHub shows
// for one step.
const maxAnnotations = 10

// annotate emits one error annotation per blocking request (at most 10,
// then one line for the rest), warnings for unapproved requests when the
// policy only reports, and a notice on pass. Text from the API goes through
// the sanitizer first.
func (g *gate) annotate(v check.Verdict, cfg check.Config) {
	where := cfg.Organization + "/" + cfg.Database
	blocking := v.Blocking()
	if len(blocking) > 0 {
		g.annotateEach(blocking, "…and %d more blocking deploy requests: %s (see the job summary)", func(e check.Entry) {
			dr := e.DeployRequest
			title, need := fmt.Sprintf("Deploy request #%d is not approved", dr.Number), "needs approval"
			if !e.NeedsApproval {
				title, need = fmt.Sprintf("Deploy request #%d is not deployed", dr.Number), "is approved but not deployed yet"
			}
			if e.Order != nil { // fail-on: deploy-order says which rule holds it
				title, need = fmt.Sprintf("Deploy request #%d holds the deploy order (%s)", dr.Number, e.Order.Rule), "blocks: "+e.Order.Why
			}
			g.a.WithFieldsMap(map[string]string{"title": title}).Errorf("%s: %s → %s %s (deployment state: %s): %s",
				where, g.clean(dr.Branch), g.clean(dr.IntoBranch), need, g.clean(dr.DeploymentState), g.clean(dr.HTMLURL))
		})
		return
	}
	unapproved := v.Where(func(e check.Entry) bool { return e.NeedsApproval })
	g.annotateEach(unapproved, "…and %d more unapproved deploy requests: %s", func(e check.Entry) {
		dr := e.DeployRequest
		g.a.WithFieldsMap(map[string]string{"title": fmt.Sprintf("Deploy request #%d is not approved", dr.Number)}).Warningf(
			"%s: %s → %s needs approval (report only: fail-on is never): %s", where, g.clean(dr.Branch), g.clean(dr.IntoBranch), g.clean(dr.HTMLURL))
	})
	msg := fmt.Sprintf("%s: %s matched and none blocks (fail-on: %s)", where, report.Plural(len(v.Matched), "open deploy request", "open deploy requests"), v.Policy)
	if len(v.Matched) == 0 {
		msg = fmt.Sprintf("%s: no open deploy requests matched", where)
	}
	g.a.WithFieldsMap(map[string]string{"title": "Deploy request gate passed"}).Noticef("%s", msg)
}

// annotateEach calls annotate for each entry, at most maxAnnotations of
// them, then logs one line for the rest: more is its format, given how
// many were left out and their numbers.
func (g *gate) annotateEach(entries []check.Entry, more string, annotate func(check.Entry)) {
	for i, e := range entries {
		if i == maxAnnotations {
			g.infof(more, len(entries)-i, numbers(entries[i:]))
			return
		}
		annotate(e)
	}
}

func numbers(entries []check.Entry) string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = fmt.Sprintf("#%d", e.DeployRequest.Number)
	}
	return strings.Join(out, ", ")
}
