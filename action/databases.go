package action

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// dbRun is one database of a gate run over several.
type dbRun struct {
	cfg check.Config
	// statusContext is its status's context ("" when none is posted).
	statusContext string
	// o is its outcome: a verdict, or why the gate could not decide.
	o outcome
}

// section is the database's part of the summary and the comment.
func (d dbRun) section(r report.Report) report.DatabaseSection {
	r.Database = d.cfg.Database
	s := report.DatabaseSection{Report: r, Verdict: d.o.verdict}
	if d.o.err != nil {
		f := d.o.failure
		s.Failure = &f
	}
	return s
}

// gateDatabases is gate mode over several databases: each is the
// single-database check (waiting when asked), all at once through the one
// PlanetScale client and so within its one rate budget. A database the
// token cannot read is an error for that database, never skipped. The
// result is the worst (error, then fail, then pass); the outputs add up
// all databases and the databases output has each one; the summary and
// the one sticky comment have a section per database; each database gets
// its own commit status.
func (g *gate) gateDatabases(ctx context.Context, in inputs) Result {
	r := g.report(in.cfg)
	r.Database = strings.Join(in.databases, ", ")
	client, err := g.client(in.cfg, in.creds)
	if err != nil {
		return g.fail(r, report.Failure{Lead: g.redactor.Line(err.Error())})
	}
	gh, err := g.githubClient(in)
	if err != nil {
		g.warn("No GitHub status or comment", err)
	}
	runs := make([]dbRun, len(in.databases))
	for i, db := range in.databases {
		runs[i].cfg = in.cfg
		runs[i].cfg.Database = db
		runs[i].cfg.Cards = true // each section shows the review cards
		runs[i].statusContext = in.statusContextFor(db)
	}
	g.infof("Listing open deploy requests of %s in %s at %s (fail-on: %s, timeout: %s)",
		report.Plural(len(runs), "database", "databases")+" ("+strings.Join(in.databases, ", ")+")", in.cfg.Organization, in.cfg.APIURL, in.cfg.FailOn, in.cfg.Timeout)
	if in.github.wait > 0 {
		g.infof("Waiting up to %s for approval, checking every %s (each check has its own timeout, %s)", in.github.wait, in.github.interval, in.cfg.Timeout)
		for _, d := range runs {
			g.pending(ctx, gh, in, d.statusContext)
		}
	}
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func(d *dbRun) {
			defer wg.Done()
			d.o = g.checkDatabase(ctx, client, in, d.cfg)
		}(&runs[i])
	}
	wg.Wait()
	r.Now = g.now()
	g.a.Debugf("%s made (rate budget: %g a second in bursts of %d, shared by every call of this run)",
		report.Plural(int(client.Requests()), "PlanetScale API request", "PlanetScale API requests"), planetscale.DefaultRateLimit, planetscale.DefaultRateBurst)
	if ctx.Err() != nil && slices.ContainsFunc(runs, func(d dbRun) bool { return d.o.err != nil }) {
		contexts := make([]string, len(runs))
		for i, d := range runs {
			contexts[i] = d.statusContext
		}
		return g.cancelled(ctx, gh, r, contexts...)
	}

	worst := ResultPass
	sections := make([]report.DatabaseSection, len(runs))
	for i, d := range runs {
		worst = max(worst, d.o.result())
		sections[i] = d.section(r)
		if d.o.err != nil {
			g.couldNotDecide(d.cfg, d.o.failure)
			continue
		}
		g.annotate(d.o.verdict, d.cfg)
		g.annotateDrops(d.o.verdict, d.cfg)
	}
	if err := writeOutputs(g.a, databasesOutputs(runs, worst, g.redactor.Redact)); err != nil {
		return g.fail(r, report.Failure{Lead: err.Error()})
	}
	if err := writeSummary(g.a, g.withRecheckNote(report.DatabasesMarkdown(sections, r), worst)); err != nil {
		return g.fail(r, report.Failure{Lead: err.Error()})
	}
	statuses := make([]statusFor, len(runs))
	for i, d := range runs {
		statuses[i] = statusFor{d.statusContext, d.o}
	}
	g.postToGitHub(ctx, gh, in, statuses, databasesComment(r, in, sections, worst == ResultPass))
	return worst
}

// databasesComment is the one sticky comment over several databases, a
// section each, for the gate and for sync.
func databasesComment(r report.Report, in inputs, sections []report.DatabaseSection, passed bool) prComment {
	return prComment{r: r, marker: ghreport.DatabasesMarker(in.cfg.Organization, in.databases), passed: passed,
		markdown: func(r report.Report) string {
			for i := range sections {
				sections[i].Report.FullList = r.FullList
			}
			return report.DatabasesMarkdown(sections, r)
		}}
}

// checkDatabase is the single-database check of cfg.Database, waiting
// when asked; its log lines name the database.
func (g *gate) checkDatabase(ctx context.Context, client *planetscale.Client, in inputs, cfg check.Config) outcome {
	v, err := check.Wait(ctx, client, cfg, g.waitOptions(in, cfg.Database))
	if err != nil {
		f := g.undecided(err, cfg)
		g.infof("%s: could not decide: %s", cfg.Database, f.Lead)
		return outcome{err: err, failure: f}
	}
	if v.SettingsErr != nil {
		g.a.Debugf("%s", g.clean(cfg.Database+": could not read the database settings, so the summary cannot say whether approval is required: "+v.SettingsErr.Error()))
	}
	g.infof("%s: %s listed, %d matched: %d approved, %d not deployed and not approved, %d blocking", cfg.Database,
		report.Plural(v.Listed, "open deploy request", "open deploy requests"), len(v.Matched), v.Approved, v.Unapproved, len(v.Blocking()))
	return outcome{verdict: v}
}

// couldNotDecide is the error annotation of one database the gate could
// not decide for.
func (g *gate) couldNotDecide(cfg check.Config, f report.Failure) {
	f.Lead = cfg.Organization + "/" + cfg.Database + ": " + f.Lead
	msg := failureText(f)
	g.a.WithFieldsMap(map[string]string{"title": "Deploy request gate could not decide for " + cfg.Database}).Errorf("%s", g.redactor.Redact(msg))
}

// withRecheckNote adds the /recheck note to md when the run is for a pull
// request that does not pass.
func (g *gate) withRecheckNote(md string, res Result) string {
	if res == ResultPass || !g.onPullRequest() {
		return md
	}
	return report.WithNote(md, recheckNote)
}
