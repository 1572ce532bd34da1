package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// checkSetup registers the flags of check and returns its run.
func checkSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	var o checkOptions
	fs.StringVar(&o.branch, "branch", "", "only requests from this `BRANCH`")
	fs.StringVar(&o.into, "into-branch", "", "only requests into this `BRANCH` (such as main)")
	fs.StringVar(&o.failOn, "fail-on", "unapproved", "the gate's `POLICY`: unapproved (fail while a request not yet deployed lacks approval), undeployed (while one is not deployed), deploy-order (additive changes deployed first, changes that can drop data approved first) or never (report only)")
	fs.StringVar(&o.waitFor, "wait-timeout", "0", "keep checking for up to this `DURATION` until the gate passes (0 checks once; at most 6h)")
	fs.StringVar(&o.interval, "wait-interval", check.DefaultWaitInterval.String(), "time between checks while waiting: a `DURATION` from 1s to 1h")
	fs.StringVar(&o.markdown, "markdown", "", "also write the summary as Markdown to `FILE`")
	return o.run
}

// checkOptions are check's own flags.
type checkOptions struct {
	branch, into, failOn, waitFor, interval, markdown string
}

func (o *checkOptions) run(ctx context.Context, s *session) int {
	cfg := s.cfg
	cfg.Filter = check.Filter{Branch: o.branch, IntoBranch: o.into}
	cfg.Cards = s.format == "markdown" || o.markdown != "" // the summary's Markdown shows the review cards
	var err error
	var wait check.WaitOptions
	if cfg.FailOn, err = check.ParsePolicy(o.failOn); err != nil {
		return s.cmd.usageError(s.env, s.redactor, "--fail-on: "+err.Error())
	}
	if wait.For, err = check.ParseDuration(o.waitFor, 0, 0, check.MaxTimeout); err != nil {
		return s.cmd.usageError(s.env, s.redactor, "--wait-timeout: "+err.Error())
	}
	if wait.Interval, err = check.ParseDuration(o.interval, check.DefaultWaitInterval, time.Second, time.Hour); err != nil {
		return s.cmd.usageError(s.env, s.redactor, "--wait-interval: "+err.Error())
	}
	c, err := s.client()
	if err != nil {
		s.stderr.printf("deploy-request-gate check: %s\n", err)
		return ExitError
	}
	if wait.For > 0 {
		s.stderr.printf("Waiting up to %s for the gate to pass, checking every %s.\n", wait.For, wait.Interval)
		wait.Round = func(round int, v check.Verdict, next time.Time) {
			s.stderr.printf("%s\n", wrap(fmt.Sprintf("Check %d: %s: %s. Next check at %s.", round,
				report.Plural(len(v.Blocking()), "deploy request still blocks", "deploy requests still block"),
				numbers(v.Blocking(), 10), next.Format("15:04:05")), s.width(), "  "))
		}
		wait.NotYet = func(round int, p check.Problem, next time.Time) {
			s.stderr.printf("%s\n", wrap(fmt.Sprintf("Check %d could not decide (%s: %s); not yet. Next check at %s.", round, p.Code,
				s.redactor.Line(p.Err.Error()), next.Format("15:04:05")), s.width(), "  "))
		}
	}
	// rep frames every report this run writes; its Now is set once the
	// check is over, waiting included.
	rep := report.Report{
		Organization: cfg.Organization, Database: cfg.Database, Filter: cfg.Filter,
		Redactor: s.redactor, Name: markdownFlagName,
		FullList: "`deploy-request-gate deploy-requests --format json` lists them all",
	}
	if dbs := check.Databases(cfg.Database); len(dbs) > 1 {
		return o.runDatabases(ctx, s, c, cfg, rep, wait, dbs)
	}
	started := time.Now()
	v, err := check.Wait(ctx, c, cfg, wait)
	run := report.JUnitRun{Hostname: hostname(), Elapsed: time.Since(started)}
	rep.Now = s.now()
	if err != nil {
		words, err := s.explain(ctx, c, cfg.Database, listRead(cfg), err)
		s.stderr.printf("%s\n", wrap(fmt.Sprintf("deploy-request-gate check: could not decide, so the gate fails closed. %s\nError: %s", words, err), s.width(), ""))
		failure := report.Failure{Lead: words, Error: s.redactor.Line(err.Error())}
		md := report.FailureMarkdown(failure, rep)
		o.writeMarkdown(s, md)
		switch s.format {
		case "junit":
			s.writeJUnit(report.JUnitFailure(failure, rep, run))
		case "markdown":
			s.stdout.printf("%s", md)
		}
		return ExitError
	}
	if v.SettingsErr != nil {
		s.stderr.printf("Could not read the database settings, so the report cannot say whether approval is required: %s\n", v.SettingsErr)
	}
	md := report.Markdown(v, rep)
	switch s.format {
	case "json":
		if err := s.stdout.json(newVerdictJSON(v, cfg)); err != nil {
			s.stderr.printf("deploy-request-gate check: %s\n", err)
			return ExitError
		}
	case "junit":
		if !s.writeJUnit(report.JUnit(v, rep, run)) {
			return ExitError
		}
	case "markdown":
		s.stdout.printf("%s", md)
	default:
		s.printVerdict(v, cfg)
	}
	if !o.writeMarkdown(s, md) {
		return ExitError
	}
	if !v.Passed() {
		return ExitFail
	}
	return ExitOK
}

// listRead is what check reads of cfg's database, for explaining a 404.
func listRead(cfg check.Config) read {
	return read{what: "the deploy requests of " + cfg.Organization + "/" + cfg.Database, grant: "read_deploy_request"}
}

// writeMarkdown writes md to the --markdown file, if one was given, and
// reports whether that went well.
func (o *checkOptions) writeMarkdown(s *session, md string) bool {
	if o.markdown == "" {
		return true
	}
	if err := os.WriteFile(o.markdown, []byte(md), 0o644); err != nil {
		s.stderr.printf("deploy-request-gate check: write the Markdown summary: %s\n", err)
		return false
	}
	return true
}

// numbers lists the numbers of at most n requests: "#105, #114", then how
// many more.
func numbers(entries []check.Entry, n int) string {
	out := make([]string, 0, n)
	for _, e := range entries[:min(n, len(entries))] {
		out = append(out, fmt.Sprintf("#%d", e.DeployRequest.Number))
	}
	if more := len(entries) - n; more > 0 {
		return strings.Join(out, ", ") + fmt.Sprintf(" and %d more", more)
	}
	return strings.Join(out, ", ")
}

// writeJUnit prints a JUnit report on stdout, or says why it could not be
// made, and reports whether it printed it.
func (s *session) writeJUnit(doc []byte, err error) bool {
	if err != nil {
		s.stderr.printf("deploy-request-gate check: %s\n", err)
		return false
	}
	s.stdout.printf("%s", doc)
	return true
}

// hostname is the machine's name for a JUnit report, "" when unknown.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}
