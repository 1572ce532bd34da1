package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// sync sets the commit status of every open pull request of each listed
// repository (the repositories input; empty: this one) whose head branch
// matches a PlanetScale branch with an open deploy request: one listing of
// the database's deploy requests for all of them, then per repository one
// GraphQL query per 100 open pull requests, which also reads the status
// each head commit carries, and a write only where the status sync would
// set differs from it. A pull request with no matching request is left
// alone, unless its status of this context is not success: then it is set
// to success, so a closed or deployed request does not leave it red for
// ever. Pull requests from forks are never set: their branch names are
// chosen by anyone. A repository that cannot be read is one warning and
// result=error; the others are still synced.
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
	repos := in.github.repositories
	if len(repos) == 0 {
		if _, _, err := ghreport.SplitRepository(g.a.Getenv("GITHUB_REPOSITORY")); err != nil {
			return g.fail(r, report.Failure{Lead: "GITHUB_REPOSITORY: " + g.redactor.Line(err.Error())})
		}
		repos = []string{g.a.Getenv("GITHUB_REPOSITORY")}
	}
	several := len(in.databases) > 1
	var (
		total    int
		failures []error
		summary  []string
		comments = newSyncComments()
	)
	target := g.syncTargetURL()
	for _, db := range in.databases {
		dcfg := cfg
		dcfg.Database = db
		s := syncRun{g: g, gh: gh, in: in, cfg: dcfg, statusContext: in.statusContextFor(db),
			target: target, several: len(repos) > 1}
		if several {
			s.comments = comments
		}
		n, md, errs := s.database(ctx, client, repos)
		if len(errs) == 1 && errors.Is(errs[0], errSyncRead) {
			return ResultError
		}
		total = max(total, n)
		failures = append(failures, errs...)
		summary = append(summary, md)
	}
	r.Now = g.now()
	if several {
		comments.write(ctx, g, gh, in)
	}
	result := "pass"
	if len(failures) > 0 {
		result = ResultError.String()
	}
	_ = writeOutputs(g.a, []Output{{"result", result}, {"total", fmt.Sprint(total)}})
	_ = writeSummary(g.a, strings.Join(summary, "\n"))
	for _, err := range failures {
		title := "Sync could not set every status"
		if ops := (*check.OperationsError)(nil); errors.As(err, &ops) {
			title = "Sync could not decide every pull request (its status is error)"
		}
		g.warn(title, err)
	}
	g.infof("Sync done: %s in %s; %s; %s (%s); %s",
		report.Plural(total, "open pull request", "open pull requests"),
		report.Plural(len(repos), "repository", "repositories"),
		report.Plural(int(client.Requests()), "PlanetScale API request", "PlanetScale API requests"),
		report.Plural(gh.Requests(), "GitHub request", "GitHub requests"),
		report.Plural(gh.Writes(), "write", "writes"), budgetWords(gh.Budget()))
	if len(failures) > 0 {
		return ResultError
	}
	return ResultPass
}

// database syncs one database's status context: one listing of its deploy
// requests, then each repository. It returns how many open pull requests
// it saw, its summary and what went wrong.
func (s syncRun) database(ctx context.Context, client *planetscale.Client, repos []string) (total int, summary string, failures []error) {
	g, cfg := s.g, s.cfg
	r := g.report(cfg)
	g.infof("Sync: listing open deploy requests of %s/%s and open pull requests of %s (status context %q)",
		cfg.Organization, cfg.Database, strings.Join(repos, ", "), s.statusContext)
	drs, err := client.OpenDeployRequests(ctx, cfg.Organization, cfg.Database, check.ListOptions{Filter: check.Filter{IntoBranch: cfg.Filter.IntoBranch}})
	if err != nil {
		f := g.undecided(err, cfg)
		r.Now = g.now()
		if len(s.in.databases) == 1 {
			g.fail(r, f)
			return 0, "", []error{errSyncRead}
		}
		g.couldNotDecide(cfg, f)
		return 0, report.FailureMarkdown(f, r), []error{fmt.Errorf("%s/%s: no status of context %q set: %w", cfg.Organization, cfg.Database, s.statusContext, err)}
	}
	for _, dr := range drs {
		if !slices.Contains(s.branches, dr.Branch) {
			s.branches = append(s.branches, dr.Branch)
		}
	}
	s.drs = drs
	if cfg.FailOn == check.FailOnDeployOrder {
		s.details, s.read = client, map[int]check.Details{}
	}
	var sections []report.SyncSection
	for _, full := range repos {
		sec, err := s.repo(ctx, full)
		total += len(sec.Rows)
		sections = append(sections, sec)
		if err != nil {
			failures = append(failures, err)
		}
	}
	r.Now = g.now()
	return total, report.SyncReposMarkdown(sections, s.statusContext, r), failures
}

// errSyncRead marks a single-database sync whose listing failed: its
// result, summary and annotation are written already.
var errSyncRead = errors.New("could not list the deploy requests")

// budgetWords says what is left of GitHub's rate limits.
func budgetWords(b ghreport.Budget) string {
	var parts []string
	if b.GraphQL.Known {
		parts = append(parts, fmt.Sprintf("%d of %d GraphQL points (resets %s)", b.GraphQL.Remaining, b.GraphQL.Limit, b.GraphQL.Reset.UTC().Format("15:04 UTC")))
	}
	if b.REST.Known {
		parts = append(parts, fmt.Sprintf("%d of %d REST requests (resets %s)", b.REST.Remaining, b.REST.Limit, b.REST.Reset.UTC().Format("15:04 UTC")))
	}
	if len(parts) == 0 {
		return "GitHub's budget left: not reported"
	}
	return "GitHub's budget left: " + strings.Join(parts, ", ")
}

// syncRun is what a sync run shares across repositories.
type syncRun struct {
	g             *gate
	gh            *ghreport.Client
	in            inputs
	cfg           check.Config
	statusContext string
	// comments gathers, over several databases, the verdicts of each
	// pull request whose status changed, for the one comment per pull
	// request written at the end (nil: one database, commented at once).
	comments *syncComments
	drs      []check.DeployRequest
	branches []string
	// details reads, under fail-on: deploy-order only, the operations
	// that decide the order where the list items lack them (nil under
	// another policy: sync then reads no details); read holds what it
	// read, by number, so that each deploy request is read once per run,
	// however many pull requests and repositories share its branch.
	details check.DetailReader
	read    map[int]check.Details
	// several is set when the run syncs more than one repository: each log
	// line then names its repository.
	several bool
	// target is the stable link of the statuses sync sets (see syncTargetURL).
	target string
}

// prefix starts a pull request's log line.
func (s syncRun) prefix(owner, repo string) string {
	if !s.several {
		return ""
	}
	return owner + "/" + repo + " "
}

// repo syncs one repository "owner/name"; its error makes the run's result error.
func (s syncRun) repo(ctx context.Context, full string) (report.SyncSection, error) {
	sec := report.SyncSection{Repository: full}
	owner, repo, err := ghreport.SplitRepository(full)
	if err == nil {
		var pulls []ghreport.OpenPull
		pulls, err = s.gh.OpenPulls(ctx, owner, repo, s.statusContext)
		if err == nil {
			s.readOperations(ctx, owner, repo, pulls)
			var failed error
			for _, pr := range pulls {
				row, err := s.pull(ctx, owner, repo, pr)
				if err != nil && failed == nil {
					failed = fmt.Errorf("%s: pull request #%d: %w", full, pr.Number, err)
				}
				sec.Rows = append(sec.Rows, row)
			}
			return sec, failed
		}
	}
	sec.Error = "could not read its open pull requests: " + s.g.clean(err.Error())
	s.g.infof("%s: %s", full, sec.Error)
	return sec, fmt.Errorf("%s: %w", full, err)
}

// readOperations reads, under fail-on: deploy-order, the details of the
// matched open, not yet applied deploy requests of pulls whose list items
// lack their operations and that this run has not read yet, in one batch
// through the DetailReader (the PlanetScale client: its one rate budget,
// counted in its requests). A request it could not read is kept with its
// error: pull then sets that pull request's status to error.
func (s syncRun) readOperations(ctx context.Context, owner, repo string, pulls []ghreport.OpenPull) {
	if s.details == nil {
		return
	}
	var todo []int
	for _, pr := range pulls {
		match, ok := ghreport.MatchBranch(pr.HeadRef, s.in.github.branchPrefix, s.branches)
		if pr.Fork || !ok {
			continue
		}
		f := s.cfg.Filter
		f.Branch = match
		v := check.Evaluate(s.drs, f, s.cfg.FailOn)
		for _, n := range v.OperationsToDecide() {
			if _, done := s.read[n]; !done && !slices.Contains(todo, n) {
				todo = append(todo, n)
			}
		}
	}
	if len(todo) == 0 {
		return
	}
	slices.Sort(todo)
	s.g.infof("%sreading the operations of deploy %s %s: the list did not carry them, and fail-on deploy-order decides by them",
		s.prefix(owner, repo), map[bool]string{true: "request", false: "requests"}[len(todo) == 1], check.NumberList(todo))
	ds, err := s.details.Details(ctx, s.cfg.Organization, s.cfg.Database, todo)
	for _, d := range ds {
		s.read[d.Number] = d
	}
	for _, n := range todo {
		if _, ok := s.read[n]; !ok {
			if err == nil {
				err = errors.New("the reader did not return it")
			}
			s.read[n] = check.Details{Number: n, DeploymentErr: err, OperationsErr: err, ReviewsErr: err}
		}
	}
}

// pull sets (or leaves) the status of one pull request and logs one line.
// Over several databases it then gathers the outcome for the pull
// request's comment, once; over one it writes the comment when the status
// changed.
func (s syncRun) pull(ctx context.Context, owner, repo string, pr ghreport.OpenPull) (report.SyncRow, error) {
	g, in := s.g, s.in
	row := report.SyncRow{Number: pr.Number, URL: pr.URL, Branch: pr.HeadRef}
	line := func(what string) {
		g.infof("%sPR #%d (%s, %s): %s", s.prefix(owner, repo), pr.Number, pr.HeadRef, ghreport.ShortSHA(pr.HeadSHA), what)
	}
	if pr.Fork {
		row.Description = "a pull request from a fork: sync never sets its status"
		line("left alone: it comes from a fork, whose branch names anyone can choose")
		return row, nil
	}
	match, ok := ghreport.MatchBranch(pr.HeadRef, in.github.branchPrefix, s.branches)
	cfg := s.cfg
	cfg.Filter.Branch = pr.HeadRef
	var (
		st ghreport.Status
		o  = outcome{verdict: check.Evaluate(nil, cfg.Filter, cfg.FailOn)}
		// undecided is set when fail-on deploy-order cannot decide this
		// pull request: its status is error and the run's result too.
		undecided error
	)
	current, found := pr.Status, pr.HasStatus
	if !pr.StatusRead {
		// The head moved while the list was read: read its status on its own.
		var err error
		if current, found, err = s.gh.LatestStatus(ctx, owner, repo, pr.HeadSHA, s.statusContext); err != nil {
			line("could not read its status: " + g.clean(err.Error()))
			row.Description = "could not read its status"
			return row, err
		}
	}
	if ok {
		cfg.Filter.Branch = match
		o = outcome{verdict: check.Evaluate(s.drs, cfg.Filter, cfg.FailOn)}
		if cfg.FailOn == check.FailOnDeployOrder {
			// By the list's operations, or those readOperations read.
			if err := o.verdict.DecideOrderWith(s.read); err != nil {
				o.err, o.failure = err, g.undecided(err, cfg)
				undecided = err
				line("could not decide: " + g.clean(err.Error()) + "; see " + o.failure.Help)
			}
		}
		st = o.status(s.statusContext, s.target)
	} else {
		if !found || current.State == ghreport.StateSuccess {
			s.gather(owner, repo, pr.PullRequest, cfg, o, false)
			row.Description = "no open deploy request for this branch"
			line("left alone: no open deploy request for this branch")
			return row, nil
		}
		st = ghreport.Status{State: ghreport.StateSuccess, Context: s.statusContext, TargetURL: s.target,
			Description: ghreport.CutDescription("no open deploy request for branch " + pr.HeadRef)}
	}
	row.State, row.Description = string(st.State), st.Description
	var ops *check.OperationsError
	if errors.As(undecided, &ops) {
		row.Description = "could not decide: the operations of deploy request " + check.NumberList(ops.Numbers) + " could not be read (see the run's log)"
	}
	if found && current.State == st.State && current.Description == st.Description && current.TargetURL == st.TargetURL {
		s.gather(owner, repo, pr.PullRequest, cfg, o, false)
		line(fmt.Sprintf("unchanged (%s: %s), not written again", st.State, st.Description))
		return row, undecided
	}
	if err := s.gh.SetStatus(ctx, owner, repo, pr.HeadSHA, st); err != nil {
		if !ok {
			// No deploy request for its branch: the comment still shows
			// that (one with a request shows "not checked").
			s.gather(owner, repo, pr.PullRequest, cfg, o, false)
		}
		err = explainStatusLimit(err)
		line("could not set its status: " + g.clean(err.Error()))
		row.State, row.Description = "error", "could not set its status"
		return row, err
	}
	line(fmt.Sprintf("%s: %s", st.State, st.Description))
	if s.comments != nil {
		s.comments.add(owner, repo, pr.PullRequest, cfg, o, true)
		return row, undecided
	}
	g.syncComment(ctx, s.gh, in, owner, repo, pr.PullRequest, cfg, o)
	return row, undecided
}

// gather records, over several databases, the outcome of this database
// for a pull request's one comment (see syncComments); changed says its
// status was written. pull calls it (or add) at most once per pull
// request, on its way out, once the status was read.
func (s syncRun) gather(owner, repo string, pr ghreport.PullRequest, cfg check.Config, o outcome, changed bool) {
	if s.comments != nil {
		s.comments.add(owner, repo, pr, cfg, o, changed)
	}
}

// explainStatusLimit adds what to do to GitHub's 422 for a commit that has
// reached 1,000 statuses of one context.
func explainStatusLimit(err error) error {
	var apiErr *ghreport.APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusUnprocessableEntity && strings.Contains(apiErr.Message, "maximum number of statuses") {
		return fmt.Errorf("%w (GitHub keeps at most 1,000 statuses per commit and context, and this commit has them all: "+
			"its status can no longer change; push a new commit to the pull request, or use another status-context)", err)
	}
	return err
}

// syncComment brings the pull request's sticky comment in line with the
// status sync just set, by the comment input's rules (so a comment that
// said "blocked" says "approved" once it is).
func (g *gate) syncComment(ctx context.Context, gh *ghreport.Client, in inputs, owner, repo string, pr ghreport.PullRequest, cfg check.Config, o outcome) {
	if in.github.comment == ghreport.CommentNever {
		return
	}
	r := g.report(cfg)
	r.Now = g.now()
	res, ok := g.writePRComment(ctx, gh, in, owner, repo, pr.Number, g.runURL(), outcomeComment(r, o))
	if ok && (res.Action == ghreport.CommentCreate || res.Action == ghreport.CommentUpdate) {
		g.infof("  its comment %s", map[bool]string{true: "created", false: "updated"}[res.Action == ghreport.CommentCreate])
	}
}

func (g *gate) runURL() string { return ghreport.RunURL(g.a.Getenv) }
