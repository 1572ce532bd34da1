package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// maxInFlight bounds how many databases overview reads at once, so one run
// stays well inside the API's 600 requests a minute.
const maxInFlight = 4

// maxFlagged is how many flagged deploy requests overview lists, to stay
// on one screen.
const maxFlagged = 10

// overviewSetup returns the run of overview, which has no flags of its own.
func overviewSetup(*flag.FlagSet) func(context.Context, *session) int {
	return func(ctx context.Context, s *session) int {
		org := s.cfg.Organization
		var all []dbOverview
		code := s.withClient(ctx, read{what: "the databases of " + org, grant: "read_database"}, func(ctx context.Context, c *planetscale.Client) error {
			dbs, err := c.ListDatabases(ctx, org)
			if err != nil {
				return err
			}
			all = readDatabases(ctx, c, org, dbs)
			return nil
		})
		if code != ExitOK {
			return code
		}
		if s.json() {
			if err := s.stdout.json(overviewJSONOf(all)); err != nil {
				s.stderr.printf("deploy-request-gate overview: %s\n", err)
				return ExitError
			}
		} else {
			s.printOverview(all)
		}
		for _, o := range all {
			if o.failed() {
				return ExitError
			}
		}
		return ExitOK
	}
}

// dbOverview is what overview read of one database.
type dbOverview struct {
	db          planetscale.Database
	branches    []planetscale.Branch
	branchesErr error
	open        []check.DeployRequest
	openErr     error
	verdict     check.Verdict
}

// failed reports whether a read failed for a reason other than access.
func (o dbOverview) failed() bool {
	for _, err := range []error{o.branchesErr, o.openErr} {
		if err != nil && !missingGrant(err) {
			return true
		}
	}
	return false
}

// readDatabases reads the branches and open deploy requests of each
// database, at most maxInFlight databases at once, keeping the order.
func readDatabases(ctx context.Context, c *planetscale.Client, org string, dbs []planetscale.Database) []dbOverview {
	out := make([]dbOverview, len(dbs))
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	for i, db := range dbs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			o := dbOverview{db: db}
			o.branches, o.branchesErr = c.ListBranches(ctx, org, db.Name)
			o.open, o.openErr = c.OpenDeployRequests(ctx, org, db.Name, check.ListOptions{})
			o.verdict = check.Evaluate(o.open, check.Filter{}, check.FailOnUnapproved)
			out[i] = o
		})
	}
	wg.Wait()
	return out
}

// printOverview shows the databases, then the flagged requests, then what
// could not be read.
func (s *session) printOverview(all []dbOverview) {
	org, w := s.cfg.Organization, s.width()
	if len(all) == 0 {
		s.stdout.printf("No databases in %s that the token can read.\n", org)
		return
	}
	open, unapproved, optional := 0, 0, false
	dbs := s.table("DATABASE", "APPROVAL", "BRANCHES", "OPEN", "UNAPPROVED").fixed(1, 3, 4)
	flagged := s.table("", "DATABASE", "#", "BRANCH → INTO", "DEPLOYMENT", "AGE").fixed(0, 2, 5).arrows(3).cutFirst(4)
	var notes []string
	for _, o := range all {
		branches, openCell, unapprovedCell := branchSummary(o.branches), strconv.Itoa(len(o.open)), strconv.Itoa(o.verdict.Unapproved)
		if o.branchesErr != nil {
			branches = "cannot read"
		}
		if o.openErr != nil {
			openCell, unapprovedCell = "?", "?"
		}
		if note := s.overviewNote(o); note != "" {
			notes = append(notes, wrap(note, w, "  "))
		}
		open, unapproved = open+len(o.open), unapproved+o.verdict.Unapproved
		dbs.add(o.db.Name, approvalWord(o.db.RequireApprovalForDeploy), branches, openCell, unapprovedCell)
		for _, e := range o.verdict.Matched {
			if !e.NeedsApproval {
				continue
			}
			mark := "✗"
			if !o.db.RequireApprovalForDeploy {
				mark, optional = "!", true
			}
			dr := e.DeployRequest
			flagged.add(mark, o.db.Name, "#"+strconv.Itoa(dr.Number), dr.Branch+" → "+dr.IntoBranch, dr.DeploymentState, report.Age(s.now(), dr.CreatedAt))
		}
	}
	s.stdout.printf("Organization %s: %s, %s, %d not approved.\n\n%s", org,
		report.Plural(len(all), "database", "databases"), report.Plural(open, "open deploy request", "open deploy requests"), unapproved,
		dbs.render(w))
	if n := len(flagged.rows); n > 0 {
		flagged.rows = flagged.rows[:min(n, maxFlagged)]
		s.stdout.printf("\nOpen deploy requests that are not approved:\n%s", flagged.render(w))
		if n > maxFlagged {
			s.stdout.printf("…and %d more: 'deploy-request-gate check DATABASE --org %s' lists them.\n", n-maxFlagged, org)
		}
		if optional {
			s.stdout.printf("%s\n", wrap("! marks a database that does not require approval: PlanetScale deploys the request without one, but the gate with --fail-on unapproved blocks it.", w, "  "))
		}
	}
	if len(notes) > 0 {
		s.stdout.printf("\n%s\n", strings.Join(notes, "\n"))
	}
}

// overviewNote says why a database's branches or deploy requests are not
// shown, and how to fix it; "" when both were read.
func (s *session) overviewNote(o dbOverview) string {
	var missing, whats, failures []string
	for _, r := range []struct {
		what, grant string
		err         error
	}{{"branches", "read_branch", o.branchesErr}, {"deploy requests", "read_deploy_request", o.openErr}} {
		switch {
		case r.err == nil:
		case missingGrant(r.err):
			whats, missing = append(whats, r.what), append(missing, r.grant)
		default:
			failures = append(failures, fmt.Sprintf("✗ %s: could not read its %s: %s Error: %s", o.db.Name, r.what, check.Explain(r.err, s.cfg).Words(flagName), r.err))
		}
	}
	if len(missing) > 0 {
		failures = append(failures, fmt.Sprintf("! %s: the token cannot read its %s (PlanetScale answers 404: no %s). To grant it:\n  %s",
			o.db.Name, strings.Join(whats, " or "), strings.Join(missing, " or "), s.grantFix(strings.Join(missing, " "), o.db.Name)))
	}
	return strings.Join(failures, "\n")
}

// branchSummary names the production branches and counts the others:
// "main, staging +36 dev".
func branchSummary(branches []planetscale.Branch) string {
	var production []string
	dev := 0
	for _, b := range branches {
		if b.Production {
			production = append(production, b.Name)
		} else {
			dev++
		}
	}
	s := strings.Join(production, ", ")
	if dev > 0 {
		s = strings.TrimSpace(fmt.Sprintf("%s +%d dev", s, dev))
	}
	return orDash(s)
}

// overviewJSON is one database in overview's JSON: the database and its
// branches as the API sent them, the open deploy requests as decoded, and
// the numbers of the open requests that are not approved. A list the token
// cannot read is null, with the error beside it.
type overviewJSON struct {
	Database            json.RawMessage       `json:"database"`
	Branches            []json.RawMessage     `json:"branches"`
	BranchesError       string                `json:"branches_error,omitempty"`
	OpenDeployRequests  []check.DeployRequest `json:"open_deploy_requests"`
	DeployRequestsError string                `json:"deploy_requests_error,omitempty"`
	NeedApproval        []int                 `json:"need_approval"`
}

func overviewJSONOf(all []dbOverview) []overviewJSON {
	out := make([]overviewJSON, 0, len(all))
	for _, o := range all {
		j := overviewJSON{
			Database:     rawObjects([]planetscale.Database{o.db}, databaseRaw)[0],
			NeedApproval: []int{},
		}
		if o.branchesErr != nil {
			j.BranchesError = o.branchesErr.Error()
		} else {
			j.Branches = rawObjects(o.branches, branchRaw)
		}
		if o.openErr != nil {
			j.DeployRequestsError = o.openErr.Error()
		} else {
			j.OpenDeployRequests = o.open
		}
		for _, e := range o.verdict.Matched {
			if e.NeedsApproval {
				j.NeedApproval = append(j.NeedApproval, e.DeployRequest.Number)
			}
		}
		out = append(out, j)
	}
	return out
}
