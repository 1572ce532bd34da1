package action

import (
	"context"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// recheckNote ends the comment (and the summary) of a pull request that
// does not pass.
const recheckNote = "Approved it since? A maintainer (owner, member or collaborator) can comment `/recheck` on this pull request to check again " +
	"(when the workflow runs on `issue_comment`, as the README's quick start does)."

// recheck is gate mode on an issue_comment event: a /recheck comment by an
// OWNER, MEMBER or COLLABORATOR on a pull request checks that pull request
// again. Its head commit and branch are read from the API (GET the pull
// request), never from the event's text. The comment gets 👀 when the
// check starts and 👍 or 👎 for the verdict. A /recheck on a pull request
// that is no longer open (closed or merged) is one log line and 👎, with no
// status and no comment written (exit 0, no outputs). Any other comment is
// one log line and nothing else (exit 0, no outputs). When the branch input is
// empty (github.head_ref is, on issue_comment), the pull request's head
// branch is used, unless the pull request comes from a fork: a fork's
// branch name is anyone's choice, so then every branch is checked.
func (g *gate) recheck(ctx context.Context, in inputs) Result {
	rc, err := ghreport.ParseRecheck(g.a.Getenv)
	if err != nil {
		return g.fail(report.Report{}, report.Failure{Lead: g.clean(err.Error())})
	}
	if rc.Ignore != "" {
		g.infof("issue_comment: not a /recheck the gate acts on (%s); nothing done", rc.Ignore)
		return ResultPass
	}
	gh, err := g.githubClient(in)
	if err != nil || gh == nil {
		lead := `/recheck needs input "github-token" (its default, ${{ github.token }}, works with "permissions: pull-requests: write, statuses: write")`
		if err != nil {
			lead = "Could not reach GitHub: " + g.clean(err.Error())
		}
		return g.fail(report.Report{}, report.Failure{Lead: lead})
	}
	rctx, cancel := githubContext(ctx, in)
	defer cancel()
	g.react(rctx, gh, rc, ghreport.ReactionEyes)
	pr, err := gh.Pull(rctx, rc.Owner, rc.Repo, rc.Number)
	if err != nil {
		g.react(rctx, gh, rc, ghreport.ReactionMinusOne)
		return g.fail(report.Report{}, report.Failure{Lead: "/recheck: could not read pull request: " + g.clean(err.Error())})
	}
	if !pr.Open() {
		// Its head is history: no status on it, no comment edited.
		how := "closed"
		if pr.Merged {
			how = "merged"
		}
		g.react(rctx, gh, rc, ghreport.ReactionMinusOne)
		g.infof("/recheck by %s (%s): pull request #%d is %s, not open; nothing checked, no status or comment written (%s)",
			rc.Author, rc.Association, pr.Number, how, report.Plural(gh.Requests(), "GitHub request", "GitHub requests"))
		return ResultPass
	}
	g.target = &ghreport.Target{Event: "issue_comment", Owner: rc.Owner, Repo: rc.Repo, SHA: pr.HeadSHA, PullNumber: pr.Number,
		HeadRef: pr.HeadRef, Fork: pr.Fork, RunURL: g.runURL()}
	g.infof("/recheck by %s (%s): checking pull request #%d, head %s on %s (read from the API)",
		rc.Author, rc.Association, pr.Number, ghreport.ShortSHA(pr.HeadSHA), pr.HeadRef)
	if in.cfg.Filter.Branch == "" {
		if pr.Fork {
			g.infof("branch is empty and the pull request comes from a fork, whose branch names anyone can choose: every branch is checked")
		} else {
			in.cfg.Filter.Branch = pr.HeadRef
			g.infof("branch is empty (github.head_ref is, on issue_comment): using the pull request's head branch, %s", pr.HeadRef)
		}
	}
	res := g.check(ctx, in)
	rctx, cancel = githubContext(ctx, in)
	defer cancel()
	verdict := ghreport.ReactionPlusOne
	if res != ResultPass {
		verdict = ghreport.ReactionMinusOne
	}
	g.react(rctx, gh, rc, verdict)
	return res
}

// react leaves a reaction on the /recheck comment; a refusal is a warning.
func (g *gate) react(ctx context.Context, gh *ghreport.Client, rc ghreport.Recheck, content string) {
	if err := gh.React(ctx, rc.Owner, rc.Repo, rc.CommentID, content); err != nil {
		g.warn("Could not react to the /recheck comment", err)
	}
}

// event is the commit under test and where its results go: the pull
// request a /recheck read from the API, else the event's, read from the
// event file once a run.
func (g *gate) event() (ghreport.Target, error) {
	if g.target == nil {
		t, err := ghreport.ParseEvent(g.a.Getenv)
		if err != nil {
			return ghreport.Target{}, err
		}
		g.target = &t
	}
	return *g.target, nil
}

// onPullRequest reports whether the run is for a pull request.
func (g *gate) onPullRequest() bool {
	t, err := g.event()
	return err == nil && t.PullNumber > 0
}
