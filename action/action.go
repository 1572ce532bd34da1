package action

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
	"github.com/sethvargo/go-githubactions"
)

// Result is the outcome of a gate run.
type Result int

// The results, as the result output spells them.
const (
	ResultPass Result = iota
	ResultFail
	ResultError
)

func (r Result) String() string {
	switch r {
	case ResultPass:
		return "pass"
	case ResultFail:
		return "fail"
	}
	return "error"
}

// ExitCode is the process exit status for r: 0 pass, 1 fail, 2 error.
func (r Result) ExitCode() int {
	switch r {
	case ResultPass:
		return 0
	case ResultFail:
		return 1
	}
	return 2
}

// Options are what the action runs with.
type Options struct {
	// Getenv reads the environment the runner gave the container.
	Getenv func(string) string
	// Stdout is the step log: workflow commands go there.
	Stdout io.Writer
	// UserAgent is sent to the API.
	UserAgent string
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// RetryPolicy replaces the default retry policy of both APIs when set.
	RetryPolicy *planetscale.RetryPolicy
	// MinWaitInterval replaces MinWaitInterval (for tests).
	MinWaitInterval time.Duration
}

// gate is one run of the action.
type gate struct {
	a        *githubactions.Action
	out      *redactingWriter
	redactor *sanitize.Redactor
	secrets  []string
	// warned holds the permissions (and ghreport.ErrUnknownCommenter) a
	// warning already named.
	warned map[string]bool
	now    func() time.Time
	opts   Options
	// target, when set, replaces the event's commit and pull request (a
	// /recheck read them from the API).
	target *ghreport.Target
}

// Run is the whole action: it reads the inputs (masking the tokens first,
// inside a runner), lists the open deploy requests, decides (waiting for
// approval when asked), and writes the outputs, the job summary and the
// annotations before any call to GitHub. A run that cannot decide reports
// ResultError with an explanation: it fails closed.
func Run(ctx context.Context, opts Options) Result {
	g := &gate{out: &redactingWriter{out: opts.Stdout, plain: opts.Getenv("GITHUB_ACTIONS") != "true", debug: opts.Getenv("RUNNER_DEBUG") == "1"}, now: opts.Now, opts: opts}
	if g.now == nil {
		g.now = time.Now
	}
	g.a = githubactions.New(githubactions.WithWriter(g.out), githubactions.WithGetenv(opts.Getenv))

	t := readToken(g.a)
	g.secrets = t.secrets
	g.redactor = sanitize.NewRedactor(t.secrets...)
	g.out.redactor = g.redactor
	for _, s := range t.secrets {
		g.out.mask(s)
	}
	maskSecrets(g.a, t.secrets)
	minInterval := MinWaitInterval
	if opts.MinWaitInterval > 0 {
		minInterval = opts.MinWaitInterval
	}
	in, err := loadInputs(g.a, t, minInterval)
	if err != nil {
		return g.fail(report.Report{}, inputFailure(err))
	}
	if in.github.intervalRaised {
		g.infof("wait-interval raised to %s, the least time between checks", minInterval)
	}
	if in.github.mode == modeSync {
		return g.sync(ctx, in)
	}
	if g.a.Getenv("GITHUB_EVENT_NAME") == "issue_comment" {
		return g.recheck(ctx, in)
	}
	return g.check(ctx, in)
}

// check is gate mode on the commit under test: over one database, or
// over several.
func (g *gate) check(ctx context.Context, in inputs) Result {
	if len(in.databases) > 1 {
		return g.gateDatabases(ctx, in)
	}
	return g.gate(ctx, in)
}

// gate checks this run's commit: list, decide (waiting when asked), write
// outputs, summary and annotations, then report to the pull request.
func (g *gate) gate(ctx context.Context, in inputs) Result {
	cfg := in.cfg
	cfg.Cards = true // the comment and the summary show the review cards
	r := g.report(cfg)
	client, err := g.client(cfg, in.creds)
	if err != nil {
		return g.fail(r, report.Failure{Lead: g.redactor.Line(err.Error())})
	}
	gh, err := g.githubClient(in)
	if err != nil {
		g.warn("No GitHub status or comment", err)
	}
	statusContext := in.statusContextFor(cfg.Database)
	g.infof("Listing open deploy requests of %s/%s at %s (fail-on: %s, timeout: %s)",
		cfg.Organization, cfg.Database, cfg.APIURL, cfg.FailOn, cfg.Timeout)
	if in.github.wait > 0 {
		g.infof("Waiting up to %s for approval, checking every %s (each check has its own timeout, %s)", in.github.wait, in.github.interval, cfg.Timeout)
		g.pending(ctx, gh, in, statusContext)
	}
	v, err := check.Wait(ctx, client, cfg, g.waitOptions(in, ""))
	r.Now = g.now()
	g.a.Debugf("%s made (rate budget: %g a second in bursts of %d, shared by every call of this run)",
		report.Plural(int(client.Requests()), "PlanetScale API request", "PlanetScale API requests"), planetscale.DefaultRateLimit, planetscale.DefaultRateBurst)
	if err != nil && ctx.Err() != nil {
		return g.cancelled(ctx, gh, r, statusContext)
	}
	if err != nil {
		f := g.undecided(err, cfg)
		res := g.fail(r, f)
		g.postOutcome(ctx, gh, in, statusContext, r, outcome{err: err, failure: f})
		return res
	}
	if v.SettingsErr != nil {
		g.a.Debugf("%s", g.clean("could not read the database settings, so the summary cannot say whether approval is required: "+v.SettingsErr.Error()))
	}
	g.infof("%s listed, %d matched: %d approved, %d not deployed and not approved, %d blocking",
		report.Plural(v.Listed, "open deploy request", "open deploy requests"), len(v.Matched), v.Approved, v.Unapproved, len(v.Blocking()))
	if err := writeOutputs(g.a, Outputs(v, g.redactor.Redact)); err != nil {
		return g.fail(r, report.Failure{Lead: err.Error()})
	}
	o := outcome{verdict: v}
	res := o.result()
	if err := writeSummary(g.a, g.withRecheckNote(report.Markdown(v, r), res)); err != nil {
		return g.fail(r, report.Failure{Lead: err.Error()})
	}
	g.annotate(v, cfg)
	g.annotateDrops(v, cfg)
	g.postOutcome(ctx, gh, in, statusContext, r, o)
	return res
}

// waitOptions are the wait's bounds and its log lines: one a round that
// still blocks, one a check that could not decide for a passing cause.
// With several databases, database names the one the lines are about.
func (g *gate) waitOptions(in inputs, database string) check.WaitOptions {
	opts := check.WaitOptions{For: in.github.wait, Interval: in.github.interval}
	if in.github.wait == 0 {
		return opts
	}
	label := func(round int) string {
		if database == "" {
			return fmt.Sprintf("Check %d", round)
		}
		return fmt.Sprintf("%s: check %d", database, round)
	}
	opts.Round = func(round int, v check.Verdict, next time.Time) {
		g.infof("%s: %s still %s; next check at %s (in %s)", label(round), numbers(v.Blocking()),
			map[bool]string{true: "blocks", false: "block"}[len(v.Blocking()) == 1], next.UTC().Format("15:04:05 UTC"), httpretry.FormatWait(time.Until(next)))
	}
	opts.NotYet = func(round int, p check.Problem, next time.Time) {
		g.infof("%s could not decide (%s: %s); not yet, the wait goes on: next check at %s (in %s)", label(round), p.Code,
			p.Err, next.UTC().Format("15:04:05 UTC"), httpretry.FormatWait(time.Until(next)))
	}
	return opts
}

// undecided is the failure the gate reports when err kept it from
// deciding for cfg: the explanation in the action's words, the error
// (redacted, cleaned) and the troubleshooting link.
func (g *gate) undecided(err error, cfg check.Config) report.Failure {
	p := check.Explain(err, cfg)
	return report.Failure{Lead: p.Words(settingName), Error: g.redactor.Line(err.Error()), Help: p.Help()}
}

// postOutcome reports the outcome of a run over one database to GitHub:
// its status of statusContext (when not empty) and its comment.
func (g *gate) postOutcome(ctx context.Context, gh *ghreport.Client, in inputs, statusContext string, r report.Report, o outcome) {
	g.postToGitHub(ctx, gh, in, []statusFor{{statusContext, o}}, outcomeComment(r, o))
}

func (g *gate) userAgent() string {
	if g.opts.UserAgent == "" {
		return "deploy-request-gate"
	}
	return g.opts.UserAgent
}

// report is the Markdown report's frame for cfg.
func (g *gate) report(cfg check.Config) report.Report {
	return report.Report{
		Organization: cfg.Organization, Database: cfg.Database, Filter: cfg.Filter,
		Now: g.now(), Redactor: g.redactor, FullList: "the `deploy-requests` output lists them all",
	}
}

// client is the PlanetScale client for cfg, with the token's creds.
func (g *gate) client(cfg check.Config, creds planetscale.Credentials) (*planetscale.Client, error) {
	opts := []planetscale.Option{
		planetscale.WithBaseURL(cfg.APIURL),
		planetscale.WithPageConcurrency(planetscale.MaxPageConcurrency),
		planetscale.WithCredentials(creds),
		planetscale.WithUserAgent(g.userAgent()),
		planetscale.WithRetryNotify(func(e planetscale.RetryEvent) {
			g.infof("PlanetScale API: attempt %d failed (%s); retrying in %s", e.Attempt, g.clean(e.Err.Error()), e.Wait.Round(10*time.Millisecond))
		}),
	}
	if g.opts.RetryPolicy != nil {
		opts = append(opts, planetscale.WithRetryPolicy(*g.opts.RetryPolicy))
	}
	return planetscale.NewClient(opts...)
}

// inputFailure words an input error for the summary.
func inputFailure(err error) report.Failure {
	help := check.TroubleshootingURL + "#bad-input"
	if ie, ok := err.(*InputError); ok && len(ie.Problems) > 1 {
		return report.Failure{Lead: "bad input:", Items: ie.Problems, Help: help}
	}
	return report.Failure{Lead: err.Error(), Help: help}
}

// fail writes result=error, an error summary and one error annotation, and
// returns ResultError.
func (g *gate) fail(r report.Report, f report.Failure) Result {
	if r.Now.IsZero() {
		r.Now = g.now()
	}
	r.Redactor = g.redactor
	// Outputs and summary may fail too; the annotation below still tells why.
	_ = writeOutputs(g.a, []Output{{"result", ResultError.String()}})
	_ = writeSummary(g.a, g.withRecheckNote(report.FailureMarkdown(f, r), ResultError))
	g.a.WithFieldsMap(map[string]string{"title": "Deploy request gate could not decide"}).Errorf("%s", g.redactor.Redact(failureText(f)))
	return ResultError
}

// failureText is a failure as one annotation's text: the lead, its items,
// the error and where to read more.
func failureText(f report.Failure) string {
	msg := f.Lead
	for _, item := range f.Items {
		msg += "\n- " + item
	}
	if f.Error != "" {
		msg += "\nError: " + f.Error
	}
	if f.Help != "" {
		msg += "\nSee " + f.Help
	}
	return msg
}

// Main runs the action and returns the exit status. A bug that panics still
// ends as one error annotation and exit status 2 (the gate fails closed),
// not a stack trace.
//
// A cancelled ctx (main cancels it on SIGINT and SIGTERM: a cancelled or
// timed-out job) ends the run as cancelled: see cancelled.
func Main(ctx context.Context, opts Options) (code int) {
	defer func() {
		if p := recover(); p != nil {
			code = ResultError.ExitCode()
			a := githubactions.New(githubactions.WithWriter(opts.Stdout), githubactions.WithGetenv(opts.Getenv))
			a.WithFieldsMap(map[string]string{"title": "Deploy request gate crashed"}).Errorf(
				"internal error: %s. The gate fails closed; please report this with the step log.", sanitize.Line(fmt.Sprint(p)))
		}
	}()
	return Run(ctx, opts).ExitCode()
}
