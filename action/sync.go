package action

import (
	"context"
	"fmt"
	"slices"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// sync sets the commit status of every open pull request of the repository
// whose head branch matches a PlanetScale branch with an open deploy
// request: one listing of the database's deploy requests, one walk over the
// open pull requests, then one status per pull request. A pull request with
// no matching request is left alone, unless its status of this context is
// not success: then it is set to success, so a closed or deployed request
// does not leave it red for ever. Pull requests from forks are never set:
// their branch names are chosen by anyone.
func (g *gate) sync(ctx context.Context, in inputs) Result {
	cfg := in.cfg
	r := g.report(cfg)
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	client, err := g.client(cfg, in.creds)
	if err != nil {
		return g.fail(r, report.Failure{Lead: g.redactor.Line(err.Error())})
	}
	gh, err := g.githubClient(in)
	if err != nil {
		return g.fail(r, report.Failure{Lead: "Could not reach GitHub: " + g.redactor.Line(err.Error())})
	}
	owner, repo, err := ghreport.SplitRepository(g.a.Getenv("GITHUB_REPOSITORY"))
	if err != nil {
		return g.fail(r, report.Failure{Lead: "GITHUB_REPOSITORY: " + g.redactor.Line(err.Error())})
	}
	statusContext := in.github.statusContextFor(cfg.Database)
	g.infof("Sync: listing open deploy requests of %s/%s and open pull requests of %s/%s (status context %q)",
		cfg.Organization, cfg.Database, owner, repo, statusContext)
	drs, err := client.OpenDeployRequests(ctx, cfg.Organization, cfg.Database, check.ListOptions{Filter: check.Filter{IntoBranch: cfg.Filter.IntoBranch}})
	if err != nil {
		p := check.Explain(err, cfg)
		return g.fail(r, report.Failure{Lead: p.Words(settingName), Error: g.redactor.Line(err.Error()), Help: p.Help()})
	}
	pulls, err := gh.ListOpenPulls(ctx, owner, repo)
	if err != nil {
		return g.fail(r, report.Failure{Lead: "Could not list the open pull requests: " + g.redactor.Line(err.Error())})
	}
	var branches []string
	for _, dr := range drs {
		if !slices.Contains(branches, dr.Branch) {
			branches = append(branches, dr.Branch)
		}
	}
	var rows []report.SyncRow
	var failed error
	for _, pr := range pulls {
		row, err := g.syncPull(ctx, gh, in, owner, repo, statusContext, pr, drs, branches)
		if err != nil && failed == nil {
			failed = err
		}
		rows = append(rows, row)
	}
	g.infof("Sync done: %s, %s, %s", report.Plural(len(pulls), "open pull request", "open pull requests"),
		report.Plural(int(client.Requests()), "PlanetScale API request", "PlanetScale API requests"),
		report.Plural(gh.Requests(), "GitHub request", "GitHub requests"))
	r.Now = g.now()
	result := "pass"
	if failed != nil {
		result = ResultError.String()
	}
	_ = writeOutputs(g.a, []Output{{"result", result}, {"total", fmt.Sprint(len(pulls))}})
	_ = writeSummary(g.a, report.SyncMarkdown(rows, statusContext, r))
	if failed != nil {
		g.warn("Sync could not set every status", failed)
		return ResultError
	}
	return ResultPass
}

// syncPull sets (or leaves) the status of one pull request and logs one line.
func (g *gate) syncPull(ctx context.Context, gh *ghreport.Client, in inputs, owner, repo, statusContext string,
	pr ghreport.PullRequest, drs []check.DeployRequest, branches []string) (report.SyncRow, error) {
	row := report.SyncRow{Number: pr.Number, URL: pr.URL, Branch: pr.HeadRef}
	line := func(what string) {
		g.infof("PR #%d (%s, %s): %s", pr.Number, pr.HeadRef, ghreport.ShortSHA(pr.HeadSHA), what)
	}
	if pr.Fork {
		row.Description = "a pull request from a fork: sync never sets its status"
		line("left alone: it comes from a fork, whose branch names anyone can choose")
		return row, nil
	}
	match, ok := ghreport.MatchBranch(pr.HeadRef, in.github.branchPrefix, branches)
	cfg := in.cfg
	cfg.Filter.Branch = pr.HeadRef
	var (
		st ghreport.Status
		v  = check.Evaluate(nil, cfg.Filter, cfg.FailOn)
	)
	if ok {
		cfg.Filter.Branch = match
		v = check.Evaluate(drs, cfg.Filter, cfg.FailOn)
		st = outcome{verdict: v}.status(statusContext, g.runURL())
	} else {
		latest, found, err := gh.LatestStatus(ctx, owner, repo, pr.HeadSHA, statusContext)
		if err != nil {
			line("could not read its status: " + g.clean(err.Error()))
			row.Description = "could not read its status"
			return row, err
		}
		if !found || latest.State == ghreport.StateSuccess {
			row.Description = "no open deploy request for this branch"
			line("left alone: no open deploy request for this branch")
			return row, nil
		}
		st = ghreport.Status{State: ghreport.StateSuccess, Context: statusContext, TargetURL: g.runURL(),
			Description: ghreport.CutDescription("no open deploy request for branch " + pr.HeadRef)}
	}
	if err := gh.SetStatus(ctx, owner, repo, pr.HeadSHA, st); err != nil {
		line("could not set its status: " + g.clean(err.Error()))
		row.Description = "could not set its status"
		return row, err
	}
	row.State, row.Description = string(st.State), st.Description
	line(fmt.Sprintf("%s: %s", st.State, st.Description))
	g.syncComment(ctx, gh, in, owner, repo, pr, cfg, v)
	return row, nil
}

// syncComment brings the pull request's sticky comment in line with the
// status sync just set, by the comment input's rules (so a comment that
// said "blocked" says "approved" once it is).
func (g *gate) syncComment(ctx context.Context, gh *ghreport.Client, in inputs, owner, repo string, pr ghreport.PullRequest, cfg check.Config, v check.Verdict) {
	if in.github.comment == ghreport.CommentNever {
		return
	}
	r := g.report(cfg)
	r.Now = g.now()
	res, ok := g.upsertComment(ctx, gh, in, owner, repo, pr.Number, g.runURL(), r, outcome{verdict: v})
	if ok && (res.Action == ghreport.CommentCreate || res.Action == ghreport.CommentUpdate) {
		g.infof("  its comment %s", map[bool]string{true: "created", false: "updated"}[res.Action == ghreport.CommentCreate])
	}
}

func (g *gate) runURL() string { return ghreport.RunURL(g.a.Getenv) }
