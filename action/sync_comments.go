package action

import (
	"context"
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

// syncPull is one pull request's verdicts, by database.
type syncPull struct {
	owner, repo string
	pr          ghreport.PullRequest
	verdicts    map[string]check.Verdict
	cfgs        map[string]check.Config
	// failures are the databases sync could not decide the pull request
	// for (fail-on deploy-order with operations it could not read).
	failures map[string]report.Failure
	changed  bool
}

func newSyncComments() *syncComments { return &syncComments{pulls: map[string]*syncPull{}} }

// add records the outcome of cfg.Database for a pull request; changed says
// its status was written.
func (c *syncComments) add(owner, repo string, pr ghreport.PullRequest, cfg check.Config, o outcome, changed bool) {
	key := fmt.Sprintf("%s/%s#%d", owner, repo, pr.Number)
	p := c.pulls[key]
	if p == nil {
		p = &syncPull{owner: owner, repo: repo, pr: pr, verdicts: map[string]check.Verdict{}, cfgs: map[string]check.Config{}, failures: map[string]report.Failure{}}
		c.pulls[key] = p
		c.order = append(c.order, key)
	}
	p.cfgs[cfg.Database] = cfg
	if o.err != nil {
		p.failures[cfg.Database] = o.failure
	} else {
		p.verdicts[cfg.Database] = o.verdict
	}
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
			cfg, ok := p.cfgs[db]
			if !ok {
				cfg = in.cfg
				cfg.Database, cfg.Filter.Branch = db, p.pr.HeadRef
			}
			dr := g.report(cfg)
			dr.Now = r.Now
			v, ok := p.verdicts[db]
			sections[i] = report.DatabaseSection{Report: dr, Verdict: v}
			if f, failed := p.failures[db]; failed {
				sections[i].Failure, ok = &f, false
			} else if !ok {
				sections[i].Failure = &report.Failure{Lead: "Not checked by this sync run: see the run."}
			}
			passed = passed && ok && v.Passed()
		}
		res, ok := g.writePRComment(ctx, gh, in, p.owner, p.repo, p.pr.Number, g.runURL(), databasesComment(r, in, sections, passed))
		if ok && (res.Action == ghreport.CommentCreate || res.Action == ghreport.CommentUpdate) {
			g.infof("%s: its comment %s", key, res.Action)
		}
	}
}
