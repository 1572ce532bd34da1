package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// deployRequestsSetup registers the flags of deployRequests and returns its run.
func deployRequestsSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	state := fs.String("state", "open", "which requests (`STATE`): open, closed or all")
	var (
		opts planetscale.ListDeployRequestsOptions
		raws map[int]json.RawMessage // the objects as the API sent them, for JSON
	)
	fs.StringVar(&opts.Branch, "branch", "", "only requests from this `BRANCH`")
	fs.StringVar(&opts.IntoBranch, "into-branch", "", "only requests into this `BRANCH`")
	run := readRun(
		func(s *session) read { return listRead(s.cfg) },
		func(ctx context.Context, s *session, c *planetscale.Client) ([]planetscale.DeployRequest, error) {
			if !s.json() {
				return c.ListDeployRequests(ctx, s.cfg.Organization, s.cfg.Database, opts)
			}
			// JSON prints each request as the API sent it.
			objs, err := c.ListDeployRequestObjects(ctx, s.cfg.Organization, s.cfg.Database, opts)
			raws = make(map[int]json.RawMessage, len(objs))
			drs := make([]planetscale.DeployRequest, len(objs))
			for i, o := range objs {
				drs[i], raws[o.Value.Number] = o.Value, o.Raw
			}
			return drs, err
		},
		func(s *session, drs []planetscale.DeployRequest) error { return s.showDeployRequests(drs, opts, raws) })
	return func(ctx context.Context, s *session) int {
		switch opts.State = *state; *state {
		case "open", "closed":
		case "all":
			opts.State = ""
		default:
			return s.cmd.usageError(s.env, s.redactor, fmt.Sprintf("--state %q: use open, closed or all", *state))
		}
		return run(ctx, s)
	}
}

// showDeployRequests shows deploy requests as a table, or as the API's
// objects in one JSON array.
func (s *session) showDeployRequests(drs []planetscale.DeployRequest, opts planetscale.ListDeployRequestsOptions, raws map[int]json.RawMessage) error {
	if s.json() {
		return s.stdout.json(rawObjects(drs, func(dr planetscale.DeployRequest) json.RawMessage { return raws[dr.Number] }))
	}
	// STATE shows only when the list mixes open and closed requests.
	t := s.table("#", "BRANCH", "INTO", "APPROVED", "DEPLOYMENT", "AGE", "STATE").fixed(0, 3, 5, 6).cutFirst(4)
	for _, dr := range drs {
		t.add("#"+strconv.Itoa(dr.Number), dr.Branch, dr.IntoBranch, yesNo(dr.Approved), dr.DeploymentState, report.Age(s.now(), dr.CreatedAt), dr.State)
	}
	if opts.State != "" {
		t.drop(6)
	}
	noun := "deploy request"
	if opts.State != "" {
		noun = opts.State + " " + noun
	}
	s.list(t, len(drs), noun, noun+"s", " in "+s.where()+filterWords(opts.Branch, opts.IntoBranch))
	return nil
}

// filterWords words a branch filter: " from feature into main".
func filterWords(branch, into string) string {
	var s string
	if branch != "" {
		s += " from " + branch
	}
	if into != "" {
		s += " into " + into
	}
	return s
}

// deployRequestSetup registers the flags of deploy-request and returns its
// run: the review card of one deploy request.
func deployRequestSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	failOn := fs.String("fail-on", "unapproved", "judge the request under this `POLICY`: unapproved, undeployed, deploy-order or never")
	return func(ctx context.Context, s *session) int {
		number, err := strconv.Atoi(s.number)
		if s.number == "" {
			return s.cmd.usageError(s.env, s.redactor, "no deploy request number: give it as the last word, as in 'deploy-request shop 42'")
		}
		if err != nil || number <= 0 {
			return s.cmd.usageError(s.env, s.redactor, fmt.Sprintf("%q is not a deploy request number: give a positive whole number, such as 42", s.number))
		}
		policy, err := check.ParsePolicy(*failOn)
		if err != nil {
			return s.cmd.usageError(s.env, s.redactor, "--fail-on: "+err.Error())
		}
		r := read{what: fmt.Sprintf("deploy request #%d of %s", number, s.where()), grant: planetscale.Grant,
			one: fmt.Sprintf("deploy request #%d does not exist ('deploy-request-gate deploy-requests %s' lists them)", number, s.cfg.Database)}
		return s.withClient(ctx, r, func(ctx context.Context, c *planetscale.Client) error {
			if s.json() {
				return s.deployRequestJSON(ctx, c, number)
			}
			dr, err := c.GetDeployRequest(ctx, s.cfg.Organization, s.cfg.Database, number)
			if err != nil {
				return err
			}
			ds, err := c.Details(ctx, s.cfg.Organization, s.cfg.Database, []int{number})
			if err != nil {
				return err
			}
			card := check.CardFor(dr.Gate(), ds[0], policy)
			if s.format == "markdown" {
				rep := report.Report{Organization: s.cfg.Organization, Database: s.cfg.Database, Now: s.now(), Redactor: s.redactor}
				s.stdout.printf("%s", report.CardMarkdown(card, rep))
				return nil
			}
			s.stdout.printf("%s", cardText(card, policy, dr.State, s.redactor))
			return nil
		})
	}
}

// deployRequestJSON prints the request, its operations and its reviews as
// the API sent them.
func (s *session) deployRequestJSON(ctx context.Context, c *planetscale.Client, number int) error {
	org, db := s.cfg.Organization, s.cfg.Database
	dr, err := c.GetDeployRequestObject(ctx, org, db, number)
	if err != nil {
		return err
	}
	ops, err := c.ListOperationObjects(ctx, org, db, number)
	if err != nil {
		return err
	}
	reviews, err := c.ListReviewObjects(ctx, org, db, number)
	if err != nil {
		return err
	}
	out := struct {
		DeployRequest json.RawMessage   `json:"deploy_request"`
		Operations    []json.RawMessage `json:"operations"`
		Reviews       []json.RawMessage `json:"reviews"`
	}{dr.Raw, make([]json.RawMessage, len(ops)), make([]json.RawMessage, len(reviews))}
	for i, o := range ops {
		out.Operations[i] = o.Raw
	}
	for i, r := range reviews {
		out.Reviews[i] = r.Raw
	}
	return s.stdout.json(out)
}

// cardText renders a review card for a terminal: plain lines, each value
// of one line kept on its line and every line cleaned again by the printer
// (secrets, control and bidi characters, workflow command forms). A long
// statement is cut as in the Markdown card (report.GroupDDL), after r
// has removed the secrets from it, so the cut cannot leave part of one.
func cardText(c check.Card, p check.Policy, state string, r *sanitize.Redactor) string {
	// one keeps a value of one line on its line: a line break in it (a
	// table name, a lint message) cannot start a line of its own.
	one := r.Line
	var b strings.Builder
	_, verdict := report.CardVerdict(c)
	fmt.Fprintf(&b, "Deploy request #%d: %s → %s (%s, deployment state %s)\n", c.Number, one(c.Branch), one(c.IntoBranch), one(state), one(c.DeploymentState))
	fmt.Fprintf(&b, "Under --fail-on %s it %s.", p, verdict)
	if c.Order != nil {
		fmt.Fprintf(&b, " Rule %s: %s", c.Order.Rule, one(c.Order.Why))
	}
	b.WriteString("\n")
	if c.URL != "" {
		fmt.Fprintf(&b, "%s\n", one(c.URL))
	}
	if c.OperationsRead {
		for _, op := range c.Operations {
			if op.CanDropData {
				fmt.Fprintf(&b, "\n! DATA LOSS: %s on table %s can drop data: deploy it only after the code that stopped using it has shipped.", one(orDash(op.Name)), one(op.Table))
			}
		}
		if c.DropsData() {
			b.WriteString("\n")
		}
	}
	if d := c.Deployment; d != nil {
		queue := "running"
		if d.QueuePaused {
			queue = "paused"
			if d.QueuePauseReason != "" {
				queue += ": " + one(d.QueuePauseReason)
			}
		}
		fmt.Fprintf(&b, "\nDeployable:   %s\nInstant DDL:  %s\nDeploy queue: %s\n", yesNo(d.Deployable),
			map[bool]string{true: "eligible", false: "not eligible"}[d.InstantDDLEligible], queue)
		if d.DeployCheckErrors != "" {
			fmt.Fprintf(&b, "Deploy check errors: %s\n", one(d.DeployCheckErrors))
		}
		for _, l := range d.LintErrors {
			fmt.Fprintf(&b, "Lint error %s on table %s: %s %s\n", one(l.Code), one(orDash(l.Table)), one(l.Description), one(l.DocsURL))
		}
	}
	if c.ReviewsRead {
		b.WriteString("\n")
		approvals := c.Approvals()
		switch {
		case len(approvals) > 0:
			for _, a := range approvals {
				fmt.Fprintf(&b, "Approved by %s on %s\n", one(a.By), a.At.UTC().Format("2006-01-02 15:04 UTC"))
			}
		case c.Approved:
			b.WriteString("Approved, by no review PlanetScale lists\n")
		default:
			fmt.Fprintf(&b, "Not approved (%s)\n", report.Plural(len(c.Reviews), "review", "reviews"))
		}
	}
	if c.OperationsRead {
		fmt.Fprintf(&b, "\nSchema change: %s\n", report.Plural(len(c.Operations), "operation", "operations"))
		tables, _ := report.GroupDDL(c.Operations, func(ddl string) string { return strings.ReplaceAll(r.Redact(ddl), "\r\n", "\n") })
		for _, t := range tables {
			fmt.Fprintf(&b, "\n  -- table %s\n", one(t.Table))
			for _, ddl := range t.Statements {
				for _, line := range strings.Split(ddl, "\n") {
					fmt.Fprintf(&b, "  %s\n", line)
				}
			}
		}
	}
	if len(c.Unread) > 0 {
		b.WriteString("\nCould not read:\n")
		for _, u := range c.Unread {
			fmt.Fprintf(&b, "  the %s: %s", one(u.What), one(u.Why))
			if u.Grant != "" {
				fmt.Fprintf(&b, " (a 404: the service token may lack %s on the database)", u.Grant)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
