package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
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
		func(s *session) read {
			return read{what: "the deploy requests of " + s.where(), grant: "read_deploy_request"}
		},
		func(ctx context.Context, s *session, c *planetscale.Client) ([]planetscale.DeployRequest, error) {
			if !s.json() {
				return c.ListDeployRequests(ctx, s.cfg.Organization, s.cfg.Database, opts)
			}
			// JSON prints each request as the API sent it.
			objs, err := c.ListDeployRequestObjects(ctx, s.cfg.Organization, s.cfg.Database, opts)
			raws = make(map[int]json.RawMessage, len(objs))
			drs := make([]planetscale.DeployRequest, len(objs))
			for i, o := range objs {
				drs[i], raws[o.Number] = o.DeployRequest, o.Raw
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
			return s.cmd.usageError(s.env, s.argsRedactor, fmt.Sprintf("--state %q: use open, closed or all", *state))
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
