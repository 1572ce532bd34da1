package cli

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// runDatabases is check over several databases: each checked at once
// through the one client (one rate budget), each reported in turn; a
// database that cannot be read is an error for it, never skipped. The exit
// status is the worst: could not decide, then blocked, then passed. all is
// the run's report frame; each database's section is framed by a copy
// naming that database.
func (o *checkOptions) runDatabases(ctx context.Context, s *session, c *planetscale.Client, cfg check.Config, all report.Report, wait check.WaitOptions, dbs []string) int {
	started := time.Now()
	type result struct {
		v   check.Verdict
		err error
	}
	results := make([]result, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Add(1)
		go func(i int, cfg check.Config) {
			defer wg.Done()
			results[i].v, results[i].err = check.Wait(ctx, c, cfg, wait)
		}(i, withDatabase(cfg, db))
	}
	wg.Wait()
	run := report.JUnitRun{Hostname: hostname(), Elapsed: time.Since(started)}
	all.Database, all.Now = strings.Join(dbs, ", "), s.now()
	sections := make([]report.DatabaseSection, len(dbs))
	code := ExitOK
	for i, db := range dbs {
		dcfg := withDatabase(cfg, db)
		r := all
		r.Database = db
		sections[i] = report.DatabaseSection{Report: r, Verdict: results[i].v}
		if err := results[i].err; err != nil {
			words, err := s.explain(ctx, c, db, listRead(dcfg), err)
			sections[i].Failure = &report.Failure{Lead: words, Error: s.redactor.Line(err.Error())}
			s.stderr.printf("%s\n", wrap("deploy-request-gate check: "+db+": could not decide, so the gate fails closed. "+words+"\nError: "+err.Error(), s.width(), ""))
			code = ExitError
			continue
		}
		if !results[i].v.Passed() && code == ExitOK {
			code = ExitFail
		}
		if s.format == "table" {
			if i > 0 {
				s.stdout.printf("\n")
			}
			s.stdout.printf("%s/%s:\n", cfg.Organization, db)
			s.printVerdict(results[i].v, dcfg)
		}
	}
	md := report.DatabasesMarkdown(sections, all)
	switch s.format {
	case "json":
		out := map[string]any{}
		for i, db := range dbs {
			if results[i].err != nil {
				out[db] = map[string]string{"result": "error", "error": sections[i].Failure.Lead}
				continue
			}
			out[db] = newVerdictJSON(results[i].v, withDatabase(cfg, db))
		}
		if err := s.stdout.json(out); err != nil {
			s.stderr.printf("deploy-request-gate check: %s\n", err)
			return ExitError
		}
	case "junit":
		if !s.writeJUnit(report.JUnitDatabases(sections, run)) {
			return ExitError
		}
	case "markdown":
		s.stdout.printf("%s", md)
	}
	if !o.writeMarkdown(s, md) {
		return ExitError
	}
	return code
}

func withDatabase(cfg check.Config, db string) check.Config {
	cfg.Database = db
	return cfg
}
