package cli

import (
	"context"
	"encoding/json"
	"flag"
	"strconv"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// The read commands: PlanetScale's read endpoints, every page of each list.

func organizationsCommand() *command {
	return &command{
		name: "organizations", scope: account, exits: exitsList,
		summary: "list the organizations the token can see",
		about:   "Lists the PlanetScale organizations the service token has access to, over every page.",
		examples: []string{
			"deploy-request-gate organizations",
			"deploy-request-gate organizations --format json | jq -r '.[].name'",
		},
		setup: func(*flag.FlagSet) func(context.Context, *session) int {
			return func(ctx context.Context, s *session) int {
				return s.withClient(ctx, read{what: "the list of organizations"}, func(ctx context.Context, c *planetscale.Client) error {
					orgs, err := c.ListOrganizations(ctx)
					if err != nil {
						return err
					}
					if s.json() {
						return s.stdout.json(rawObjects(orgs, func(o planetscale.Organization) json.RawMessage { return o.Raw }))
					}
					t := newTable("NAME", "PLAN", "DATABASES", "CREATED").fixed(2, 3)
					for _, o := range orgs {
						t.add(o.Name, o.Plan, strconv.Itoa(o.DatabaseCount), report.Age(s.now(), o.CreatedAt))
					}
					s.list(t, len(orgs), "organization", "organizations", "")
					return nil
				})
			}
		},
	}
}

func databasesCommand() *command {
	return &command{
		name: "databases", scope: organization, exits: exitsList,
		summary: "list an organization's databases",
		about: "Lists the databases of an organization that the service token may read, over every page. " +
			"APPROVAL says whether deploy requests wait for an approval (require_approval_for_deploy).",
		examples: []string{
			"deploy-request-gate databases --org acme",
			"deploy-request-gate databases --org acme --format json | jq -r '.[] | select(.require_approval_for_deploy | not) | .name'",
		},
		setup: func(*flag.FlagSet) func(context.Context, *session) int {
			return func(ctx context.Context, s *session) int {
				r := read{what: "the databases of " + s.cfg.Organization, grant: "read_database"}
				return s.withClient(ctx, r, func(ctx context.Context, c *planetscale.Client) error {
					dbs, err := c.ListDatabases(ctx, s.cfg.Organization)
					if err != nil {
						return err
					}
					if s.json() {
						return s.stdout.json(rawObjects(dbs, func(d planetscale.Database) json.RawMessage { return d.Raw }))
					}
					t := newTable("NAME", "KIND", "REGION", "STATE", "APPROVAL", "CREATED").fixed(4, 5)
					for _, d := range dbs {
						t.add(d.Name, d.Kind, d.Region.Slug, d.State, approvalWord(d.RequireApprovalForDeploy), report.Age(s.now(), d.CreatedAt))
					}
					s.list(t, len(dbs), "database", "databases", " in "+s.cfg.Organization)
					return nil
				})
			}
		},
	}
}

func databaseCommand() *command {
	return &command{
		name: "database", scope: database, exits: exitsList,
		summary: "show one database",
		about:   "Shows one database: its kind, region, default branch and whether deploy requests need an approval.",
		examples: []string{
			"deploy-request-gate database shop --org acme",
			"deploy-request-gate database --org acme --database shop --format json | jq .require_approval_for_deploy",
		},
		setup: func(*flag.FlagSet) func(context.Context, *session) int {
			return func(ctx context.Context, s *session) int {
				r := read{what: "database " + s.cfg.Organization + "/" + s.cfg.Database, grant: "read_database"}
				return s.withClient(ctx, r, func(ctx context.Context, c *planetscale.Client) error {
					d, err := c.GetDatabase(ctx, s.cfg.Organization, s.cfg.Database)
					if err != nil {
						return err
					}
					if s.json() {
						return s.stdout.json(rawObjects([]planetscale.Database{*d}, func(d planetscale.Database) json.RawMessage { return d.Raw })[0])
					}
					s.printDatabase(d)
					return nil
				})
			}
		},
	}
}

func branchesCommand() *command {
	return &command{
		name: "branches", scope: database, exits: exitsList,
		summary: "list a database's branches",
		about:   "Lists the branches of a database, over every page. Production branches take schema changes only through deploy requests.",
		examples: []string{
			"deploy-request-gate branches shop --org acme",
			"deploy-request-gate branches shop --org acme --format json | jq -r '.[] | select(.production) | .name'",
		},
		setup: func(*flag.FlagSet) func(context.Context, *session) int {
			return func(ctx context.Context, s *session) int {
				r := read{what: "the branches of " + s.cfg.Organization + "/" + s.cfg.Database, grant: "read_branch"}
				return s.withClient(ctx, r, func(ctx context.Context, c *planetscale.Client) error {
					branches, err := c.ListBranches(ctx, s.cfg.Organization, s.cfg.Database)
					if err != nil {
						return err
					}
					if s.json() {
						return s.stdout.json(rawObjects(branches, func(b planetscale.Branch) json.RawMessage { return b.Raw }))
					}
					t := newTable("NAME", "PARENT", "PRODUCTION", "STATE", "REGION", "CREATED").fixed(2, 5)
					for _, b := range branches {
						t.add(b.Name, orDash(b.ParentBranch), yesNo(b.Production), b.State, b.Region.Slug, report.Age(s.now(), b.CreatedAt))
					}
					s.list(t, len(branches), "branch", "branches", " in "+s.cfg.Organization+"/"+s.cfg.Database)
					return nil
				})
			}
		},
	}
}

// list prints a table, or a line saying the list is empty, and the count.
func (s *session) list(t *table, n int, one, many, where string) {
	if n == 0 {
		s.stdout.printf("No %s%s.\n", many, where)
		return
	}
	s.stdout.printf("%s\n%s%s.\n", t.render(s.width()), report.Plural(n, one, many), where)
}

// printDatabase shows one database as a list of fields.
func (s *session) printDatabase(d *planetscale.Database) {
	region := d.Region.Slug
	if d.Region.Provider != "" || d.Region.Location != "" {
		region += " (" + joinNonEmpty(", ", d.Region.Provider, d.Region.Location) + ")"
	}
	approval := "yes: deploy requests wait for an approval"
	if !d.RequireApprovalForDeploy {
		approval = "no: PlanetScale leaves approved false unless someone approves anyway"
	}
	t := newTable("", "")
	for _, f := range [][2]string{
		{"Name", d.Name}, {"Kind", d.Kind}, {"State", d.State}, {"Region", region},
		{"Default branch", d.DefaultBranch}, {"Approval required", approval},
		{"Created", stamp(s, d.CreatedAt)}, {"Updated", stamp(s, d.UpdatedAt)}, {"URL", d.HTMLURL},
	} {
		t.add(f[0]+":", orDash(f[1]))
	}
	s.stdout.printf("%s", t.renderBody(s.width()))
}
