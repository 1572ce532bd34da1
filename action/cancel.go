package action

import (
	"context"
	"slices"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// cancelBudget bounds what the gate still does for GitHub once its job is
// cancelled: the runner follows SIGINT or SIGTERM with SIGKILL within
// seconds.
const cancelBudget = 5 * time.Second

// cancelledDescription is the commit status of a run cancelled before it
// decided.
const cancelledDescription = "Cancelled before it could decide: see the run"

// cancelled ends a run whose job was cancelled (SIGINT or SIGTERM) before
// the gate decided: result=error, the error summary and annotation, and the
// commit status (when status-context is set) set to error in place of the
// pending one wait mode set (or of none), under cancelBudget on a fresh
// context, since ctx is done. statusContexts are the contexts to set (one
// per database; empty ones are skipped). It returns ResultError: the gate
// fails closed.
func (g *gate) cancelled(ctx context.Context, gh *ghreport.Client, r report.Report, statusContexts ...string) Result {
	cause := context.Cause(ctx)
	res := g.fail(r, report.Failure{
		Lead:  "The job was cancelled before the gate could decide, so it fails closed.",
		Error: g.redactor.Line(cause.Error()),
		Help:  check.TroubleshootingURL + "#cancelled",
	})
	statusContexts = slices.DeleteFunc(slices.Clone(statusContexts), func(c string) bool { return c == "" })
	if gh == nil || len(statusContexts) == 0 {
		return res
	}
	target, err := g.event()
	if err != nil {
		g.warn("Could not tell which commit to report on", err)
		return res
	}
	fresh, cancel := context.WithTimeout(context.Background(), cancelBudget)
	defer cancel()
	set := false
	for _, statusContext := range statusContexts {
		st := ghreport.Status{State: ghreport.StateError, Context: statusContext, TargetURL: target.RunURL, Description: cancelledDescription}
		set = g.setStatus(fresh, gh, target, st) || set
	}
	if set {
		_ = writeOutputs(g.a, []Output{{"status-sha", target.SHA}})
	}
	g.infof("%s made", report.Plural(gh.Requests(), "GitHub request", "GitHub requests"))
	return res
}

// withGrace returns a context that is not cancelled with ctx but grace
// after it: work that must still finish on a cancelled job (the GitHub
// report of a decided run) gets a short budget of its own. stop releases it.
func withGrace(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	graced, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopAfter := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return graced, func() {
		stopAfter()
		cancel()
	}
}
