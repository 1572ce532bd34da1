package action

import (
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// dropsData is the drops-data output: the numbers of the matched requests
// with an operation that can drop data, ascending, comma-separated. The
// operations are those the list items carried, or those the gate read for
// the cards and fail-on: deploy-order; a request whose operations were not
// read is not listed (its operations are null in deploy-requests).
func dropsData(v check.Verdict) string {
	return strings.Join(numberItems("", v.Where(dropsDataIn)), ",") // Matched is by number
}

// dropsDataIn reports whether a request's known operations can drop data.
func dropsDataIn(e check.Entry) bool {
	return e.OperationsKnown && len(check.DropTables(e.Operations)) > 0
}

// operationCount is the operations field of a deploy-requests item: nil
// when the operations were not read.
func operationCount(e check.Entry) *int {
	if !e.OperationsKnown {
		return nil
	}
	n := len(e.Operations)
	return &n
}

// annotateDrops emits one warning per matched request with an operation
// that can drop data, naming its tables (at most maxAnnotations, then one
// line for the rest), and, under fail-on: deploy-order, one warning per
// request that passes with a warning (applied before its code merged).
func (g *gate) annotateDrops(v check.Verdict, cfg check.Config) {
	where := cfg.Organization + "/" + cfg.Database
	drops := v.Where(dropsDataIn)
	g.annotateEach(drops, "…and %d more deploy requests can drop data: %s (see the job summary)", func(e check.Entry) {
		dr := e.DeployRequest
		tables := check.DropTables(e.Operations)
		for j, t := range tables {
			tables[j] = g.clean(t)
		}
		what := fmt.Sprintf("%s: %s → %s can drop data in table %s", where, g.clean(dr.Branch), g.clean(dr.IntoBranch), strings.Join(tables, ", "))
		if len(tables) > 1 {
			what = strings.Replace(what, "in table ", "in tables ", 1)
		}
		if e.Order != nil && e.Order.Outcome == check.OrderWarn {
			what += ". " + e.Order.Why
		} else {
			what += ": deploy it only after the code that stopped using the data has shipped"
		}
		g.a.WithFieldsMap(map[string]string{"title": fmt.Sprintf("Deploy request #%d can drop data", dr.Number)}).Warningf("%s (%s)", what, g.clean(dr.HTMLURL))
	})
}

// orderStatusDescription words the commit status under fail-on: deploy-order: which
// rule holds each blocking request.
func orderStatusDescription(blocking []check.Entry) string {
	parts := make([]string, len(blocking))
	for i, e := range blocking {
		why := "blocks"
		if e.Order != nil {
			why = map[check.OrderRule]string{
				check.OrderAdditiveUndeployed: "deploy first",
				check.OrderDropsUnapproved:    "approve first",
				check.OrderComputing:          "still computing",
				check.OrderUnreadable:         "unreadable",
			}[e.Order.Rule]
		}
		parts[i] = fmt.Sprintf("#%d %s", e.DeployRequest.Number, why)
	}
	return "Deploy order: " + strings.Join(parts, ", ")
}
