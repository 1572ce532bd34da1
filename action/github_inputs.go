package action

import (
	"fmt"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/sethvargo/go-githubactions"
)

// The modes.
const (
	modeGate = "gate"
	modeSync = "sync"
)

// MinWaitInterval is the least time between checks in wait mode: shorter
// values are raised to it, to stay far inside PlanetScale's rate limit.
const MinWaitInterval = 5 * time.Second

// githubInputs are the inputs of the pull request status check.
type githubInputs struct {
	token         string
	comment       ghreport.CommentPolicy
	statusContext string // as given: see inputs.statusContextFor
	wait          time.Duration
	interval      time.Duration
	// intervalRaised is set when wait-interval was below the minimum.
	intervalRaised bool
	mode           string
	branchPrefix   string
	// repositories are the "owner/name" repositories sync mode sets
	// statuses in (empty: this one).
	repositories []string
}

// loadGitHubInputs validates the GitHub inputs, adding problems to the list.
func loadGitHubInputs(a *githubactions.Action, minInterval time.Duration, problems *[]string) githubInputs {
	in := githubInputs{
		token:         strings.TrimSpace(a.GetInput("github-token")),
		statusContext: a.GetInput("status-context"),
		branchPrefix:  a.GetInput("branch-prefix"),
		mode:          strings.ToLower(a.GetInput("mode")),
	}
	var err error
	if in.comment, err = ghreport.ParseCommentPolicy(a.GetInput("comment")); err != nil {
		*problems = append(*problems, err.Error())
	}
	switch in.mode {
	case "":
		in.mode = modeGate
	case modeGate, modeSync:
	default:
		*problems = append(*problems, fmt.Sprintf(`input "mode" is %q: use gate (check this run's commit) or sync (set the status of every open pull request)`, a.GetInput("mode")))
	}
	if in.wait, err = check.ParseDuration(a.GetInput("wait-timeout"), 0, 0, check.MaxTimeout); err != nil {
		*problems = append(*problems, `input "wait-timeout": `+err.Error()+" (0 checks once)")
	}
	if in.interval, err = check.ParseDuration(a.GetInput("wait-interval"), check.DefaultWaitInterval, time.Millisecond, time.Hour); err != nil {
		*problems = append(*problems, `input "wait-interval": `+err.Error())
	}
	if in.interval < minInterval {
		in.interval, in.intervalRaised = minInterval, true
	}
	if strings.ContainsAny(in.statusContext, "\r\n") {
		*problems = append(*problems, `input "status-context" must be one line`)
	}
	in.repositories = parseRepositories(a.GetInput("repositories"), in.mode, problems)
	if in.mode == modeSync && in.token == "" {
		*problems = append(*problems, `mode "sync" sets commit statuses, so it needs input "github-token" (its default, ${{ github.token }}, works with "permissions: statuses: write, pull-requests: write")`)
	}
	return in
}

// databasePlaceholder in status-context is replaced by each database's name.
const databasePlaceholder = "{database}"

// defaultStatusContext is status-context's default in sync mode, and in
// gate mode over several databases (gate mode over one sets no status
// unless status-context is given).
const defaultStatusContext = "planetscale/" + databasePlaceholder

// statusContextFor is the context of the statuses posted for a database:
// status-context with {database} replaced by its name; empty gives
// planetscale/<database> in sync mode and in a run over several databases,
// else "" (no status).
func (in inputs) statusContextFor(database string) string {
	c := in.github.statusContext
	if c == "" {
		if in.github.mode != modeSync && len(in.databases) <= 1 {
			return ""
		}
		c = defaultStatusContext
	}
	return strings.ReplaceAll(c, databasePlaceholder, database)
}

// checkStatusContext refuses a status-context that would give several
// databases the same status.
func (in githubInputs) checkStatusContext(databases int, problems *[]string) {
	if databases > 1 && in.statusContext != "" && !strings.Contains(in.statusContext, databasePlaceholder) {
		*problems = append(*problems, fmt.Sprintf(`input "status-context" is %q, the same for each of the %d databases, so their statuses would overwrite each other: put %s in it (such as planetscale/%s), or leave it empty for that default`,
			in.statusContext, databases, databasePlaceholder, databasePlaceholder))
	}
}
