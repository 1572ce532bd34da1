package check

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
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

// Options adjust a run; the zero value is what the action uses.
type Options struct {
	// UserAgent is sent to the API.
	UserAgent string
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// RetryPolicy replaces planetscale.DefaultRetryPolicy when set.
	RetryPolicy *planetscale.RetryPolicy
}

// maxAnnotations is how many error (or warning) annotations GitHub shows
// for one step.
const maxAnnotations = 10

// databaseLookupTimeout bounds the optional read of the database settings.
const databaseLookupTimeout = 5 * time.Second

// Run is the whole gate: it reads the inputs (masking the token first),
// lists the open deploy requests, decides, and writes the outputs, the job
// summary and the annotations before returning. A run that cannot decide
// reports ResultError with an explanation: it fails closed.
func Run(ctx context.Context, a *githubactions.Action, opts Options) Result {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	cfg, err := LoadConfig(a)
	if err != nil {
		return reportError(a, err.Error(), Report{Now: now()})
	}
	r := Report{Organization: cfg.Organization, Database: cfg.Database, Filter: cfg.Filter}

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	client, err := newClient(a, cfg, opts)
	if err != nil {
		r.Now = now()
		return reportError(a, err.Error(), r)
	}
	a.Infof("Listing open deploy requests of %s/%s at %s (fail-on: %s, timeout: %s)",
		cfg.Organization, cfg.Database, cfg.APIURL, cfg.FailOn, cfg.Timeout)
	drs, err := client.ListDeployRequests(ctx, cfg.Organization, cfg.Database, planetscale.ListDeployRequestsOptions{
		State: "open", Branch: cfg.Filter.Branch, IntoBranch: cfg.Filter.IntoBranch,
	})
	if err != nil {
		r.Now = now()
		return reportError(a, Explain(err, cfg), r)
	}
	r.ApprovalRequired = approvalRequired(ctx, a, client, cfg)
	r.Now = now()

	v := Evaluate(drs, cfg.Filter, cfg.FailOn)
	a.Infof("%s listed, %d matched: %d approved, %d not deployed and not approved, %d blocking",
		plural(len(drs), "open deploy request", "open deploy requests"), len(v.Matched), v.Approved, v.Unapproved, len(v.Blocking()))
	if err := writeOutputs(a, Outputs(v)); err != nil {
		return reportError(a, err.Error(), r)
	}
	if err := writeSummary(a, RenderMarkdown(v, r)); err != nil {
		return reportError(a, err.Error(), r)
	}
	annotate(a, v, r)
	if !v.Passed() {
		return ResultFail
	}
	return ResultPass
}

func newClient(a *githubactions.Action, cfg *Config, opts Options) (*planetscale.Client, error) {
	ua := opts.UserAgent
	if ua == "" {
		ua = "deploy-request-gate"
	}
	clientOpts := []planetscale.Option{
		planetscale.WithBaseURL(cfg.APIURL),
		planetscale.WithCredentials(cfg.Credentials),
		planetscale.WithUserAgent(ua),
		planetscale.WithRetryNotify(func(e planetscale.RetryEvent) {
			a.Infof("PlanetScale API: attempt %d failed (%v); retrying in %s", e.Attempt, e.Err, e.Wait.Round(10*time.Millisecond))
		}),
	}
	if opts.RetryPolicy != nil {
		clientOpts = append(clientOpts, planetscale.WithRetryPolicy(*opts.RetryPolicy))
	}
	return planetscale.NewClient(clientOpts...)
}

// approvalRequired reads the database's require_approval_for_deploy
// setting; nil when it cannot be read (a missing grant only skips the
// note).
func approvalRequired(ctx context.Context, a *githubactions.Action, c *planetscale.Client, cfg *Config) *bool {
	ctx, cancel := context.WithTimeout(ctx, databaseLookupTimeout)
	defer cancel()
	db, err := c.GetDatabase(ctx, cfg.Organization, cfg.Database)
	if err != nil {
		a.Debugf("could not read the database settings, so the summary cannot say whether approval is required: %v", err)
		return nil
	}
	return &db.RequireApprovalForDeploy
}

// reportError writes result=error, an error summary and one error
// annotation, and returns ResultError.
func reportError(a *githubactions.Action, explanation string, r Report) Result {
	// Outputs and summary may fail too; the annotation below still tells why.
	_ = writeOutputs(a, []Output{{"result", ResultError.String()}})
	_ = writeSummary(a, RenderErrorMarkdown(explanation, r))
	a.WithFieldsMap(map[string]string{"title": "Deploy request gate could not decide"}).Errorf("%s", explanation)
	return ResultError
}

// annotate emits one error annotation per blocking request (at most 10,
// then one line for the rest), warnings for unapproved requests when the
// policy only reports, and a notice on pass.
func annotate(a *githubactions.Action, v Verdict, r Report) {
	where := r.Organization + "/" + r.Database
	blocking := v.Blocking()
	if len(blocking) > 0 {
		for i, e := range blocking {
			if i == maxAnnotations {
				a.Infof("…and %d more blocking deploy requests: %s (see the job summary)", len(blocking)-i, numbers(blocking[i:]))
				break
			}
			dr := e.DeployRequest
			title, need := fmt.Sprintf("Deploy request #%d is not approved", dr.Number), "needs approval"
			if !e.NeedsApproval {
				title, need = fmt.Sprintf("Deploy request #%d is not deployed", dr.Number), "is approved but not deployed yet"
			}
			a.WithFieldsMap(map[string]string{"title": title}).Errorf("%s: %s → %s %s (deployment state: %s): %s",
				where, dr.Branch, dr.IntoBranch, need, dr.DeploymentState, dr.HTMLURL)
		}
		return
	}
	var unapproved []Entry
	for _, e := range v.Matched {
		if e.NeedsApproval {
			unapproved = append(unapproved, e)
		}
	}
	for i, e := range unapproved {
		if i == maxAnnotations {
			a.Infof("…and %d more unapproved deploy requests: %s", len(unapproved)-i, numbers(unapproved[i:]))
			break
		}
		dr := e.DeployRequest
		a.WithFieldsMap(map[string]string{"title": fmt.Sprintf("Deploy request #%d is not approved", dr.Number)}).Warningf(
			"%s: %s → %s needs approval (report only: fail-on is never): %s", where, dr.Branch, dr.IntoBranch, dr.HTMLURL)
	}
	msg := fmt.Sprintf("%s: %s matched and none blocks (fail-on: %s)", where, plural(len(v.Matched), "open deploy request", "open deploy requests"), v.Policy)
	if len(v.Matched) == 0 {
		msg = fmt.Sprintf("%s: no open deploy requests matched", where)
	}
	a.WithFieldsMap(map[string]string{"title": "Deploy request gate passed"}).Noticef("%s", msg)
}

func numbers(entries []Entry) string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = fmt.Sprintf("#%d", e.DeployRequest.Number)
	}
	return strings.Join(out, ", ")
}

// writeOutputs sets the step outputs. Outside a runner (no GITHUB_OUTPUT)
// it prints them instead.
func writeOutputs(a *githubactions.Action, outputs []Output) error {
	if a.Getenv("GITHUB_OUTPUT") == "" {
		a.Infof("GITHUB_OUTPUT is not set (not running in GitHub Actions?); outputs:")
		for _, o := range outputs {
			a.Infof("  %s=%s", o.Name, o.Value)
		}
		return nil
	}
	return fileCommand("write the step outputs (GITHUB_OUTPUT)", func() {
		for _, o := range outputs {
			a.SetOutput(o.Name, o.Value)
		}
	})
}

// writeSummary appends Markdown to the job summary, when there is one.
func writeSummary(a *githubactions.Action, markdown string) error {
	if a.Getenv("GITHUB_STEP_SUMMARY") == "" {
		a.Debugf("GITHUB_STEP_SUMMARY is not set; no job summary written")
		return nil
	}
	return fileCommand("write the job summary (GITHUB_STEP_SUMMARY)", func() { a.AddStepSummary(markdown) })
}

// fileCommand runs fn, turning the panic go-githubactions raises when a file
// command cannot be written into an error.
func fileCommand(what string, fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			perr, ok := p.(error)
			if !ok {
				perr = fmt.Errorf("%v", p)
			}
			err = fmt.Errorf("could not %s: %w", what, perr)
			if errors.Is(perr, fs.ErrPermission) {
				err = fmt.Errorf("%w; the container must run as root (no USER line in the Dockerfile) to write the runner's files", err)
			}
		}
	}()
	fn()
	return nil
}
