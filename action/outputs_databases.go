package action

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// databaseOutput is one database in the databases output.
type databaseOutput struct {
	Result     string `json:"result"`
	Total      int    `json:"total"`
	Approved   int    `json:"approved-count"`
	Unapproved int    `json:"unapproved-count"`
	Blocking   string `json:"blocking"`
}

// newDatabaseOutput is a database's line of the databases output; a
// database the gate could not decide for has result error and zero counts.
func newDatabaseOutput(o outcome) databaseOutput {
	out := databaseOutput{Result: o.result().String()}
	if o.err != nil {
		return out
	}
	v := o.verdict
	out.Total, out.Approved, out.Unapproved = len(v.Matched), v.Approved, v.Unapproved
	out.Blocking = strings.Join(numberItems("", v.Blocking()), ",")
	return out
}

// databasesJSON is the databases output: a one-line JSON object, database
// name to its result and counts, in the order of the database input,
// escaped as sanitize.JSON does.
func databasesJSON(names []string, outcomes []outcome) string {
	parts := make([]string, len(names))
	for i, name := range names {
		k, _ := json.Marshal(name)                           // a string: cannot fail
		v, _ := json.Marshal(newDatabaseOutput(outcomes[i])) // strings and ints
		parts[i] = string(k) + ":" + string(v)
	}
	return sanitize.JSON("{" + strings.Join(parts, ",") + "}")
}

// databasesOutputs are the step outputs of a run over several databases:
// result the worst, the counts added up, blocking and drops-data as
// database#number, the
// deploy-requests items each with its database, and databases.
func databasesOutputs(runs []dbRun, worst Result, redact func(string) string) []Output {
	var (
		total, approved, unapproved int
		blocking, drops             []string
		names                       = make([]string, len(runs))
		outcomes                    = make([]outcome, len(runs))
		items                       []dbEntry
	)
	for i, d := range runs {
		names[i], outcomes[i] = d.cfg.Database, d.o
		if d.o.err != nil {
			continue
		}
		v := d.o.verdict
		total += len(v.Matched)
		approved += v.Approved
		unapproved += v.Unapproved
		blocking = append(blocking, numberItems(d.cfg.Database+"#", v.Blocking())...)
		for _, e := range v.Matched {
			items = append(items, dbEntry{d.cfg.Database, e})
		}
		drops = append(drops, numberItems(d.cfg.Database+"#", v.Where(dropsDataIn))...) // Matched is by number
	}
	return []Output{
		{"result", worst.String()},
		{"total", strconv.Itoa(total)},
		{"approved-count", strconv.Itoa(approved)},
		{"unapproved-count", strconv.Itoa(unapproved)},
		{"blocking", strings.Join(blocking, ",")},
		{"deploy-requests", databasesDeployRequestsJSON(items, redact, MaxDeployRequestsOutput)},
		{"drops-data", strings.Join(drops, ",")},
		{"databases", databasesJSON(names, outcomes)},
	}
}

// dbEntry is a matched deploy request and its database.
type dbEntry struct {
	database string
	check.Entry
}

// deployRequestDBOutput is an item of the deploy-requests output of a run
// over several databases: a deployRequestOutput with its database first.
type deployRequestDBOutput struct {
	Database string `json:"database"`
	deployRequestOutput
}

// databasesDeployRequestsJSON is deployRequestsJSON over several
// databases: every item names its database; at most limit bytes, blocking
// requests kept first (see packJSON); in database, then number order.
func databasesDeployRequestsJSON(items []dbEntry, redact func(string) string, limit int) string {
	return packJSON(items, func(it dbEntry) bool { return it.Blocking },
		func(it dbEntry) any {
			return deployRequestDBOutput{Database: it.database, deployRequestOutput: newDeployRequestOutput(it.Entry, redact)}
		}, limit)
}
