package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// syncComments gathers, in a sync run over several databases, each pull
// request's verdict per database, so that a pull request whose status
// changed in any of them gets its one sticky comment (the gate's comment
// over the same databases) brought in line once, at the end.
type syncComments struct {
	order []string
	pulls map[string]*syncPull
}

// syncPull is one pull request's outcomes, by database: a verdict, or
// why sync could not decide the pull request for it (fail-on deploy-order
// with operations it could not read).
type syncPull struct {
	owner, repo string
	pr          ghreport.PullRequest
	runs        map[string]dbRun
	changed     bool
}

// errNotChecked is the outcome of a database sync has no verdict for in a
// pull request (its deploy requests could not be read).
var errNotChecked = errors.New("not checked by this sync run")

func newSyncComments() *syncComments { return &syncComments{pulls: map[string]*syncPull{}} }

// add records the outcome of cfg.Database for a pull request; changed says
// its status was written.
func (c *syncComments) add(owner, repo string, pr ghreport.PullRequest, cfg check.Config, o outcome, changed bool) {
	key := fmt.Sprintf("%s/%s#%d", owner, repo, pr.Number)
	p := c.pulls[key]
	if p == nil {
		p = &syncPull{owner: owner, repo: repo, pr: pr, runs: map[string]dbRun{}}
		c.pulls[key] = p
		c.order = append(c.order, key)
	}
	p.runs[cfg.Database] = dbRun{cfg: cfg, o: o}
	p.changed = p.changed || changed
}

// write updates the comment of every pull request whose status changed. A
// database without a verdict for it (its deploy requests could not be
// read) is shown as not checked.
func (c *syncComments) write(ctx context.Context, g *gate, gh *ghreport.Client, in inputs) {
	if in.github.comment == ghreport.CommentNever {
		return
	}
	for _, key := range c.order {
		p := c.pulls[key]
		if !p.changed {
			continue
		}
		r := g.report(in.cfg)
		r.Now = g.now()
		r.Database = strings.Join(in.databases, ", ")
		sections := make([]report.DatabaseSection, len(in.databases))
		passed := true
		for i, db := range in.databases {
			d, ok := p.runs[db]
			if !ok {
				d.cfg = in.cfg
				d.cfg.Database, d.cfg.Filter.Branch = db, p.pr.HeadRef
				d.o = outcome{err: errNotChecked, failure: report.Failure{Lead: "Not checked by this sync run: see the run."}}
			}
			dr := g.report(d.cfg)
			dr.Now = r.Now
			sections[i] = d.section(dr)
			passed = passed && d.o.passed()
		}
		res, ok := g.writePRComment(ctx, gh, in, p.owner, p.repo, p.pr.Number, g.runURL(), databasesComment(r, in, sections, passed))
		if ok && (res.Action == ghreport.CommentCreate || res.Action == ghreport.CommentUpdate) {
			g.infof("%s: its comment %s", key, res.Action)
		}
	}
}
