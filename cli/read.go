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

// organizationsSetup returns the run of organizations, which has no flags of its own.
func organizationsSetup(*flag.FlagSet) func(context.Context, *session) int {
	return readRun(
		func(*session) read { return read{what: "the list of organizations"} },
		func(ctx context.Context, _ *session, c *planetscale.Client) ([]planetscale.Organization, error) {
			return c.ListOrganizations(ctx)
		},
		lister[planetscale.Organization]{
			noun: "organization", header: []string{"NAME", "PLAN", "DATABASES", "CREATED"}, fixed: []int{2, 3},
			raw: func(o planetscale.Organization) json.RawMessage { return o.Raw },
			row: func(s *session, o planetscale.Organization) []string {
				return []string{o.Name, o.Plan, strconv.Itoa(o.DatabaseCount), report.Age(s.now(), o.CreatedAt)}
			},
		}.show)
}

// databasesSetup returns the run of databases, which has no flags of its own.
func databasesSetup(*flag.FlagSet) func(context.Context, *session) int {
	return readRun(
		func(s *session) read {
			return read{what: "the databases of " + s.cfg.Organization, grant: "read_database"}
		},
		func(ctx context.Context, s *session, c *planetscale.Client) ([]planetscale.Database, error) {
			return c.ListDatabases(ctx, s.cfg.Organization)
		},
		lister[planetscale.Database]{
			noun: "database", header: []string{"NAME", "KIND", "REGION", "STATE", "APPROVAL", "CREATED"}, fixed: []int{4, 5},
			raw: databaseRaw,
			row: func(s *session, d planetscale.Database) []string {
				return []string{d.Name, d.Kind, d.Region.Slug, d.State, approvalWord(d.RequireApprovalForDeploy), report.Age(s.now(), d.CreatedAt)}
			},
		}.show)
}

// databaseSetup returns the run of database, which has no flags of its own.
func databaseSetup(*flag.FlagSet) func(context.Context, *session) int {
	return readRun(
		func(s *session) read { return read{what: "database " + s.where(), grant: "read_database"} },
		func(ctx context.Context, s *session, c *planetscale.Client) (*planetscale.Database, error) {
			return c.GetDatabase(ctx, s.cfg.Organization, s.cfg.Database)
		},
		(*session).showDatabase)
}

// branchesSetup returns the run of branches, which has no flags of its own.
func branchesSetup(*flag.FlagSet) func(context.Context, *session) int {
	return readRun(
		func(s *session) read { return read{what: "the branches of " + s.where(), grant: "read_branch"} },
		func(ctx context.Context, s *session, c *planetscale.Client) ([]planetscale.Branch, error) {
			return c.ListBranches(ctx, s.cfg.Organization, s.cfg.Database)
		},
		lister[planetscale.Branch]{
			noun: "branch", plural: "branches", header: []string{"NAME", "PARENT", "PRODUCTION", "STATE", "REGION", "CREATED"}, fixed: []int{2, 5},
			raw: branchRaw,
			row: func(s *session, b planetscale.Branch) []string {
				return []string{b.Name, orDash(b.ParentBranch), yesNo(b.Production), b.State, b.Region.Slug, report.Age(s.now(), b.CreatedAt)}
			},
		}.show)
}

// readRun runs a command that makes one read (what it reads names the grant
// a 404 asks for) and shows its answer.
func readRun[T any](what func(*session) read, fetch func(context.Context, *session, *planetscale.Client) (T, error), show func(*session, T) error) func(context.Context, *session) int {
	return func(ctx context.Context, s *session) int {
		return s.withClient(ctx, what(s), func(ctx context.Context, c *planetscale.Client) error {
			v, err := fetch(ctx, s, c)
			if err != nil {
				return err
			}
			return show(s, v)
		})
	}
}

// lister shows a list as a table (one row an item, with the count after
// it), or as the API's objects in one JSON array.
type lister[T any] struct {
	noun, plural string // plural defaults to noun+"s"
	header       []string
	fixed        []int
	raw          func(T) json.RawMessage
	row          func(*session, T) []string
}

func (l lister[T]) show(s *session, items []T) error {
	if s.json() {
		return s.stdout.json(rawObjects(items, l.raw))
	}
	t := s.table(l.header...).fixed(l.fixed...)
	for _, it := range items {
		t.add(l.row(s, it)...)
	}
	plural := l.plural
	if plural == "" {
		plural = l.noun + "s"
	}
	where := s.cfg.Organization
	if s.cfg.Database != "" {
		where = s.where()
	}
	if where != "" {
		where = " in " + where
	}
	s.list(t, len(items), l.noun, plural, where)
	return nil
}

// list prints a table, or a line saying the list is empty, and the count.
func (s *session) list(t *table, n int, one, many, where string) {
	if n == 0 {
		s.stdout.printf("No %s%s.\n", many, where)
		return
	}
	s.stdout.printf("%s\n%s%s.\n", t.render(s.width()), report.Plural(n, one, many), where)
}

// where names the session's database: "acme/shop".
func (s *session) where() string { return s.cfg.Organization + "/" + s.cfg.Database }

func databaseRaw(d planetscale.Database) json.RawMessage { return d.Raw }

func branchRaw(b planetscale.Branch) json.RawMessage { return b.Raw }

// showDatabase shows one database as a list of fields, or as the API's
// object in JSON.
func (s *session) showDatabase(d *planetscale.Database) error {
	if s.json() {
		return s.stdout.json(rawObjects([]planetscale.Database{*d}, databaseRaw)[0])
	}
	region := d.Region.Slug
	if d.Region.Provider != "" || d.Region.Location != "" {
		region += " (" + joinNonEmpty(", ", d.Region.Provider, d.Region.Location) + ")"
	}
	approval := "yes: deploy requests wait for an approval"
	if !d.RequireApprovalForDeploy {
		approval = "no: PlanetScale leaves approved false unless someone approves anyway"
	}
	t := s.table("", "")
	for _, f := range [][2]string{
		{"Name", d.Name}, {"Kind", d.Kind}, {"State", d.State}, {"Region", region},
		{"Default branch", d.DefaultBranch}, {"Approval required", approval},
		{"Created", stamp(s, d.CreatedAt)}, {"Updated", stamp(s, d.UpdatedAt)}, {"URL", d.HTMLURL},
	} {
		t.add(f[0]+":", orDash(f[1]))
	}
	s.stdout.printf("%s", t.renderBody(s.width()))
	return nil
}
