package action

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// githubTimeout bounds the GitHub calls of one report (a status and a
// comment), within the timeout input: GitHub is where the verdict is shown,
// not what it depends on, so a slow GitHub must not hold the job up long.
const githubTimeout = 30 * time.Second

// githubRetries is how often one GitHub call is retried.
const githubRetries = 4

// githubContext bounds one round of GitHub calls.
func githubContext(ctx context.Context, in inputs) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, min(in.cfg.Timeout, githubTimeout))
}

// maxCommentBytes keeps the comment's table under GitHub's 65,536
// characters, with room for the marker and the tail.
const maxCommentBytes = 60 << 10

// githubClient returns a client for GitHub's API, or nil when the
// github-token input is empty: then no GitHub call is made at all.
func (g *gate) githubClient(in inputs) (*ghreport.Client, error) {
	if in.github.token == "" {
		return nil, nil
	}
	cfg := ghreport.Config{
		APIURL:     g.a.Getenv("GITHUB_API_URL"),
		GraphQLURL: g.a.Getenv("GITHUB_GRAPHQL_URL"),
		Token:      in.github.token,
		UserAgent:  g.userAgent(),
		Secrets:    g.secrets,
		Notify: func(e httpretry.Event) {
			g.infof("GitHub API: attempt %d failed (%s); retrying in %s", e.Attempt, g.clean(e.Err.Error()), httpretry.FormatWait(e.Wait))
		},
	}
	cfg.Retry = httpretry.Default
	cfg.Retry.MaxRetries = githubRetries
	if g.opts.RetryPolicy != nil {
		cfg.Retry = *g.opts.RetryPolicy
	}
	return ghreport.NewClient(cfg)
}

// outcome is what the gate reports to the pull request.
type outcome struct {
	verdict check.Verdict
	// err is set when the gate could not decide; failure says why.
	err     error
	failure report.Failure
}

func (o outcome) passed() bool { return o.err == nil && o.verdict.Passed() }

// result is the outcome's result: error when the gate could not decide,
// else fail or pass by the verdict.
func (o outcome) result() Result {
	switch {
	case o.err != nil:
		return ResultError
	case !o.verdict.Passed():
		return ResultFail
	}
	return ResultPass
}

// status words the outcome as a commit status.
func (o outcome) status(statusContext, runURL string) ghreport.Status {
	st := ghreport.Status{Context: statusContext, TargetURL: runURL}
	blocking := o.verdict.Blocking()
	switch {
	case o.err != nil:
		st.State, st.Description = ghreport.StateError, "Could not check the deploy requests: see the run"
	case len(blocking) > 0:
		st.State = ghreport.StateFailure
		need := report.Plural(len(blocking), "deploy request needs approval", "deploy requests need approval")
		if o.verdict.Policy == check.FailOnUndeployed {
			need = report.Plural(len(blocking), "deploy request is not deployed", "deploy requests are not deployed")
		}
		st.Description = need + ": " + numbers(blocking)
		if o.verdict.Policy == check.FailOnDeployOrder {
			st.Description = orderStatusDescription(blocking)
		}
		if len(blocking) == 1 && strings.HasPrefix(blocking[0].DeployRequest.HTMLURL, "https://") {
			st.TargetURL = blocking[0].DeployRequest.HTMLURL
		}
	case len(o.verdict.Matched) == 0:
		st.State, st.Description = ghreport.StateSuccess, "No open deploy requests"
	default:
		st.State, st.Description = ghreport.StateSuccess, "No deploy request blocks this change"
	}
	st.Description = ghreport.CutDescription(st.Description)
	return st
}

// prStatus links a pull request's status to the run: its job summary says
// what blocks (with a link to each deploy request) and, when the check does
// not pass, that a maintainer can comment /recheck. Elsewhere (a merge
// queue, a push) a status blocked by one deploy request keeps its link to
// that request.
func prStatus(st ghreport.Status, target ghreport.Target) ghreport.Status {
	if target.PullNumber > 0 && target.RunURL != "" {
		st.TargetURL = target.RunURL
	}
	return st
}

// statusFor is one commit status a gate run sets: the outcome of one
// database, under its status context ("" sets none).
type statusFor struct {
	context string
	o       outcome
}

// prComment is the sticky comment a gate run writes on its pull request.
type prComment struct {
	// r frames the comment; marker finds it again.
	r      report.Report
	marker string
	// passed says whether the run passed: the comment input's policy
	// follows it, and a comment that did not pass ends with the /recheck
	// note.
	passed bool
	// markdown renders the comment from r, which then carries its size
	// limit and a link to the run for the full list.
	markdown func(r report.Report) string
}

// outcomeComment is the comment of one database's outcome.
func outcomeComment(r report.Report, o outcome) prComment {
	return prComment{r: r, marker: ghreport.Marker(r.Organization, r.Database), passed: o.passed(),
		markdown: func(r report.Report) string {
			if o.err != nil {
				return report.FailureMarkdown(o.failure, r)
			}
			return report.Markdown(o.verdict, r)
		}}
}

// postToGitHub reports a gate run to GitHub under its own deadline: a
// commit status for each of statuses with a context, and the sticky
// comment c on a pull request (per the comment input); then the count of
// GitHub requests, and the status-sha output when a status was set. A
// refused or failed write is one warning: the step's outcome still follows
// the verdict. A job cancelled meanwhile leaves it cancelBudget to finish,
// so that a decided outcome still replaces a pending status.
func (g *gate) postToGitHub(ctx context.Context, gh *ghreport.Client, in inputs, statuses []statusFor, c prComment) {
	if gh == nil || (in.github.comment == ghreport.CommentNever && !slices.ContainsFunc(statuses, func(s statusFor) bool { return s.context != "" })) {
		return
	}
	ctx, stop := withGrace(ctx, cancelBudget)
	defer stop()
	ctx, cancel := githubContext(ctx, in)
	defer cancel()
	target, err := g.event()
	if err != nil {
		g.warn("Could not tell which commit to report on", err)
		return
	}
	statusSHA := ""
	for _, s := range statuses {
		if s.context == "" {
			continue
		}
		if g.setStatus(ctx, gh, target, prStatus(s.o.status(s.context, target.RunURL), target)) {
			statusSHA = target.SHA
		}
	}
	if target.PullNumber > 0 && in.github.comment != ghreport.CommentNever {
		res, ok := g.writePRComment(ctx, gh, in, target.Owner, target.Repo, target.PullNumber, target.RunURL, c)
		g.commented(target.PullNumber, res, ok)
	}
	g.infof("%s made", report.Plural(gh.Requests(), "GitHub request", "GitHub requests"))
	if statusSHA != "" {
		_ = writeOutputs(g.a, []Output{{"status-sha", statusSHA}})
	}
}

// commented logs what a write of the sticky comment on pull request number
// did (nothing when it failed: that was its warning, or when it left the
// comment as it was).
func (g *gate) commented(number int, res ghreport.CommentResult, ok bool) {
	switch {
	case !ok:
	case res.Action == ghreport.CommentCreate:
		g.infof("Commented on pull request #%d: %s", number, res.URL)
	case res.Action == ghreport.CommentUpdate:
		g.infof("Updated the comment on pull request #%d: %s", number, res.URL)
	}
}

// setStatus sets st on the target's commit and logs it; a failure is one
// warning (false).
func (g *gate) setStatus(ctx context.Context, gh *ghreport.Client, target ghreport.Target, st ghreport.Status) bool {
	if err := gh.SetStatus(ctx, target.Owner, target.Repo, target.SHA, st); err != nil {
		g.warn("Could not set the commit status", err)
		return false
	}
	g.infof("Set commit status %q to %s on %s: %s", st.Context, st.State, ghreport.ShortSHA(target.SHA), st.Description)
	return true
}

// writePRComment writes c as the sticky comment of pull request number,
// by the comment input's rules; a failure is one warning (ok false).
func (g *gate) writePRComment(ctx context.Context, gh *ghreport.Client, in inputs, owner, repo string, number int, runURL string,
	c prComment) (res ghreport.CommentResult, ok bool) {
	r := c.r
	r.MaxBytes = maxCommentBytes
	r.FullList = fmt.Sprintf("[the workflow run](%s) lists them all", runURL)
	body := c.markdown(r)
	if !c.passed {
		body = report.WithNote(body, recheckNote)
	}
	res, err := gh.UpsertComment(ctx, owner, repo, number, ghreport.Comment{
		Marker: c.marker, Body: body, Same: report.SameContent,
		Policy: in.github.comment, Passed: c.passed,
		Tail: func([]string) string {
			return fmt.Sprintf("\n_…cut to fit GitHub's size limit: see [the workflow run](%s)._\n", runURL)
		},
	})
	if n := len(res.Ignored); n > 0 {
		who := make([]string, n)
		for i, a := range res.Ignored {
			who[i] = a.String()
		}
		g.infof("Pull request #%d: left alone %s with this gate's marker written by %s, not by this token (only the gate's own comment is edited)",
			number, report.Plural(n, "comment", "comments"), g.clean(strings.Join(who, ", ")))
	}
	if err != nil {
		g.warn("Could not write the pull request comment", err)
		return res, false
	}
	return res, true
}

// warn emits one warning for a GitHub call that did not go through; when
// GitHub refused it, the warning names the permission to add, once.
func (g *gate) warn(title string, err error) {
	var perm *ghreport.PermissionError
	switch {
	case errors.As(err, &perm):
		// Its message names the permission to add.
		if g.warned[perm.Permission] {
			g.infof("%s: GitHub refused it again (%d), for want of %q", title, perm.Status, perm.Permission)
			return
		}
		g.warnedOnce(perm.Permission)
	case errors.Is(err, ghreport.ErrUnknownCommenter):
		// The client asks once a run: the same cause for every pull request.
		if g.warned[ghreport.ErrUnknownCommenter.Error()] {
			g.infof("%s: the token's account is still not known; its marker's comments left alone", title)
			return
		}
		g.warnedOnce(ghreport.ErrUnknownCommenter.Error())
	}
	msg := g.clean(err.Error())
	g.a.WithFieldsMap(map[string]string{"title": title}).Warningf("%s", g.redactor.Redact(msg))
}

// warnedOnce records that the warning for key was given.
func (g *gate) warnedOnce(key string) {
	if g.warned == nil {
		g.warned = map[string]bool{}
	}
	g.warned[key] = true
}

// pending marks the commit under test as pending while wait mode runs, when
// status-context is set.
func (g *gate) pending(ctx context.Context, gh *ghreport.Client, in inputs, statusContext string) {
	if gh == nil || statusContext == "" {
		return
	}
	job := ctx
	ctx, cancel := githubContext(ctx, in)
	defer cancel()
	target, err := g.event()
	if err != nil {
		return // postToGitHub warns about it at the end
	}
	st := ghreport.Status{State: ghreport.StatePending, Context: statusContext, TargetURL: target.RunURL,
		Description: ghreport.CutDescription("Waiting up to " + httpretry.FormatWait(in.github.wait) + " for the deploy requests to be approved")}
	if err := gh.SetStatus(ctx, target.Owner, target.Repo, target.SHA, st); err != nil && job.Err() == nil {
		g.warn("Could not set the commit status", err) // a cancelled job says so at its end
	}
}
