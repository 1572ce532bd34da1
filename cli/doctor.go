package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// doctorSetup returns the run of doctor, which has no flags of its own.
func doctorSetup(*flag.FlagSet) func(context.Context, *session) int {
	return func(ctx context.Context, s *session) int {
		d := &doctor{s: s}
		d.run(ctx)
		return d.finish()
	}
}

// finding is one line of the doctor's report.
type finding struct {
	Check string `json:"check"`
	// Status is "ok", "warning" or "problem".
	Status  string `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// doctor is one run of the doctor command.
type doctor struct {
	s        *session
	c        *planetscale.Client
	findings []finding
}

var marks = map[string]string{"ok": "✓", "warning": "!", "problem": "✗"}

// add records a finding and, for a person, prints it at once.
func (d *doctor) add(check, status, message, fix string) {
	f := finding{Check: check, Status: status, Message: message, Fix: fix}
	d.findings = append(d.findings, f)
	if d.s.json() {
		return
	}
	w := d.s.width()
	d.s.stdout.printf("%s\n", wrap(marks[status]+" "+message, w, "  "))
	for i, line := range strings.Split(fix, "\n") {
		prefix := "    Fix: "
		if i > 0 {
			prefix = "         "
		}
		switch line = strings.TrimSpace(line); {
		case line == "":
		case strings.HasPrefix(line, "pscale "): // a command to copy: never wrapped
			d.s.stdout.printf("%s%s\n", prefix, line)
		default:
			wrapped := wrap(line, w-len(prefix), "")
			d.s.stdout.printf("%s%s\n", prefix, strings.ReplaceAll(wrapped, "\n", "\n         "))
		}
	}
}

// failed reports whether a finding is a problem.
func (d *doctor) failed() bool {
	return slices.ContainsFunc(d.findings, func(f finding) bool { return f.Status == "problem" })
}

// finish prints the conclusion (or the JSON) and returns the exit status.
func (d *doctor) finish() int {
	s := d.s
	if s.json() {
		if err := s.stdout.json(d.findings); err != nil {
			s.stderr.printf("deploy-request-gate doctor: %s\n", err)
			return ExitError
		}
	}
	if d.failed() {
		if !s.json() {
			s.stdout.println("\nThe gate would not work: fix the ✗ lines above, then run the doctor again.")
		}
		return ExitFail
	}
	if !s.json() {
		if s.cfg.Database == "" {
			s.stdout.printf("\nPass --database DATABASE to check the reads the gate makes on a database.\n")
		} else {
			s.stdout.printf("\nThe gate will work: deploy-request-gate check %s --org %s\n", s.cfg.Database, s.cfg.Organization)
		}
	}
	return ExitOK
}

// run makes the checks in order; each needs the ones before it.
func (d *doctor) run(ctx context.Context) {
	s := d.s
	if !d.token() {
		return
	}
	c, err := s.client()
	if err != nil {
		d.add("api", "problem", err.Error(), "check --api-url (or "+check.EnvAPIURL+")")
		return
	}
	d.c = c
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if !d.organization(ctx) {
		return
	}
	names, ok := d.databases(ctx)
	if !ok || s.cfg.Database == "" || !d.databaseListed(names) {
		return
	}
	d.databaseReads(ctx)
}

// token checks the token's form.
func (d *doctor) token() bool {
	s := d.s
	var credErr *planetscale.CredentialError
	switch {
	case errors.Is(s.credErr, planetscale.ErrNoCredentials):
		d.add("token", "problem", "No service token", noTokenFix)
		return false
	case errors.As(s.credErr, &credErr):
		d.add("token", "problem", fmt.Sprintf("The service token (from %s): %s", s.tokenFrom, credErr.Problem), credErr.Fix)
		return false
	case s.credErr != nil:
		d.add("token", "problem", "The service token: "+s.credErr.Error(), "")
		return false
	case s.creds.OAuth:
		d.add("token", "ok", "An OAuth access token, from "+s.tokenFrom, "")
	default:
		d.add("token", "ok", "A service token ID:TOKEN, with a secret of the right form, from "+s.tokenFrom, "")
	}
	return true
}

// organization checks that PlanetScale accepts the token and the
// organization is visible to it; the list of organizations answers 401 for
// a bad token where a resource may answer 404.
func (d *doctor) organization(ctx context.Context) bool {
	s, org := d.s, d.s.cfg.Organization
	orgs, err := d.c.ListOrganizations(ctx)
	switch {
	case errors.Is(err, planetscale.ErrUnauthorized):
		d.add("organizations", "problem",
			"PlanetScale rejects the token: the list of organizations answered 401 Unauthorized. It is mistyped, revoked or expired "+
				"(on other paths PlanetScale may answer 404 for such a token, which looks like a missing grant).",
			"create a service token under Settings → Service tokens (or 'pscale service-token create --org "+org+"'), grant it access, and set "+
				check.EnvServiceToken+" to ID:TOKEN")
		return false
	case errors.Is(err, planetscale.ErrNotFound) || errors.Is(err, planetscale.ErrForbidden):
		d.add("organizations", "warning", "The token may not list organizations ("+err.Error()+"); going on with the database reads.", "")
		return true
	case err != nil:
		d.add("organizations", "problem", "Could not reach PlanetScale: "+check.Explain(err, s.cfg).Words(flagName)+" Error: "+err.Error(), "")
		return false
	}
	names := make([]string, 0, len(orgs))
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	if !slices.Contains(names, org) {
		d.add("organizations", "problem",
			fmt.Sprintf("Organization %s is not among the %s the token can see (%s).%s", org, report.Plural(len(names), "organization", "organizations"),
				listNames(names, 5), suggest(org, names)),
			"check --org (the first part of app.planetscale.com/<organization>/<database>), or use a token of that organization")
		return false
	}
	d.add("organizations", "ok", fmt.Sprintf("PlanetScale accepts the token, and organization %s is visible to it", org), "")
	if _, err := d.c.GetOrganization(ctx, org); err != nil {
		why := "no read_organization: PlanetScale answered 404"
		if !errors.Is(err, planetscale.ErrNotFound) {
			why = err.Error()
		}
		d.add("organization", "warning",
			fmt.Sprintf("The token cannot read organization %s itself (%s). Fine: the gate needs only database grants.", org, why), "")
	} else {
		d.add("organization", "ok", fmt.Sprintf("The token can read organization %s (read_organization)", org), "")
	}
	return true
}

// databases lists the databases the token can see.
func (d *doctor) databases(ctx context.Context) ([]string, bool) {
	s, org := d.s, d.s.cfg.Organization
	dbs, err := d.c.ListDatabases(ctx, org)
	if err != nil {
		d.add("databases", "problem", fmt.Sprintf("Could not list the databases of %s: %s Error: %s", org, check.Explain(err, s.cfg).Words(flagName), err),
			s.grantFix("read_database", s.cfg.Database))
		return nil, false
	}
	names := make([]string, 0, len(dbs))
	for _, db := range dbs {
		names = append(names, db.Name)
	}
	if s.cfg.Database == "" {
		d.add("databases", "ok", fmt.Sprintf("The token sees %s in %s: %s", report.Plural(len(names), "database", "databases"), org, listNames(names, 8)), "")
	}
	return names, true
}

// databaseListed checks that the database is among those the token sees.
func (d *doctor) databaseListed(names []string) bool {
	s, org, db := d.s, d.s.cfg.Organization, d.s.cfg.Database
	if slices.Contains(names, db) {
		d.add("databases", "ok", fmt.Sprintf("Database %s exists and the token can see it (%s visible in %s)", db, report.Plural(len(names), "database", "databases"), org), "")
		return true
	}
	d.add("databases", "problem",
		fmt.Sprintf("Database %s is not among the %s the token can see in %s (%s).%s", db, report.Plural(len(names), "database", "databases"), org, listNames(names, 5), suggest(db, names)),
		fmt.Sprintf("check --database (the second part of app.planetscale.com/%s/<database>); if %s exists, the token has no grant on it:\n  %s",
			org, db, s.grantFix("read_deploy_request read_database", db)))
	return false
}

// databaseReads checks the two reads the gate makes: the database's
// settings (optional to the gate) and the list of its deploy requests.
func (d *doctor) databaseReads(ctx context.Context) {
	s, db, where := d.s, d.s.cfg.Database, d.s.where()
	settings, err := d.c.GetDatabase(ctx, s.cfg.Organization, db)
	switch {
	case err != nil:
		d.add("database", "warning", d.failedRead("read the settings of "+where, "read_database", err)+
			" The gate works without them, but cannot say whether approval is required.", s.grantFix("read_database", db))
	case settings.RequireApprovalForDeploy:
		d.add("database", "ok", fmt.Sprintf("Get database %s works: deploy requests need an approval (require_approval_for_deploy)", db), "")
	default:
		d.add("database", "warning", fmt.Sprintf("Database %s does not require approval for deploy requests, so approved stays false unless someone approves anyway: "+
			"with --fail-on unapproved the gate blocks every request not yet deployed.", db),
			"turn on \"Require administrator approval for deploy requests\" in the database settings, approve each request, or use --fail-on undeployed")
	}
	drs, err := d.c.OpenDeployRequests(ctx, s.cfg.Organization, db, check.ListOptions{})
	if err != nil {
		d.add("deploy-requests", "problem", d.failedRead("list the deploy requests of "+where, "read_deploy_request", err), s.grantFix("read_deploy_request", db))
		return
	}
	v := check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved)
	d.add("deploy-requests", "ok", fmt.Sprintf("List deploy requests of %s works (read_deploy_request): %s, %d not approved",
		db, report.Plural(len(drs), "open deploy request", "open deploy requests"), v.Unapproved), "")
}

// failedRead words a failed read the token could otherwise make: the token
// is known good here (the organization list accepted it) and the database
// is listed, so a 404 means the grant is missing.
func (d *doctor) failedRead(what, grant string, err error) string {
	if missingGrant(err) {
		return fmt.Sprintf("The token cannot %s: PlanetScale answered 404 Not Found; the token is valid and sees the database, so it lacks %s.", what, grant)
	}
	return fmt.Sprintf("Could not %s: %s Error: %s", what, check.Explain(err, d.s.cfg).Words(flagName), err)
}

// suggest names the closest of names to a mistyped name: " Did you mean
// shop?".
func suggest(name string, names []string) string {
	m := closest(name, names, 3)
	if len(m) == 0 {
		return ""
	}
	return " Did you mean " + strings.Join(m, " or ") + "?"
}

// listNames lists at most n names, then how many more.
func listNames(names []string, n int) string {
	if len(names) == 0 {
		return "none"
	}
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
