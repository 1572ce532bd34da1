package ghreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Target is the commit a run checks and where its results go.
type Target struct {
	// Event is GITHUB_EVENT_NAME.
	Event string
	// Owner and Repo come from GITHUB_REPOSITORY.
	Owner, Repo string
	// SHA is the commit under test: a pull request's head commit (never
	// GITHUB_SHA, the merge commit), merge_group.head_sha for a merge
	// queue, GITHUB_SHA for anything else.
	SHA string
	// PullNumber is the pull request's number (0 when the event has none).
	PullNumber int
	// HeadRef is the pull request's head branch ("" without one): outside
	// text, to be passed through sanitize.Line before it is printed.
	HeadRef string
	// Fork is true for a pull request from another repository, whose
	// token is read-only.
	Fork bool
	// RunURL is the run's page (see RunURL).
	RunURL string
}

// ParseEvent reads the commit under test from the runner's environment:
// GITHUB_EVENT_NAME, GITHUB_EVENT_PATH (the event's JSON), GITHUB_SHA,
// GITHUB_REPOSITORY, and GITHUB_SERVER_URL with GITHUB_RUN_ID for the run's
// page. A pull_request or merge_group payload without a valid head SHA is
// an error, never a fall back to GITHUB_SHA.
func ParseEvent(getenv func(string) string) (Target, error) {
	owner, repo, err := SplitRepository(getenv("GITHUB_REPOSITORY"))
	if err != nil {
		return Target{}, err
	}
	t := Target{Event: getenv("GITHUB_EVENT_NAME"), Owner: owner, Repo: repo, RunURL: RunURL(getenv)}
	switch t.Event {
	case "pull_request", "pull_request_target":
		var ev github.PullRequestEvent
		if err := readEvent(t.Event, getenv("GITHUB_EVENT_PATH"), &ev); err != nil {
			return Target{}, err
		}
		pr := ev.GetPullRequest()
		t.SHA, t.PullNumber, t.HeadRef = pr.GetHead().GetSHA(), pr.GetNumber(), pr.GetHead().GetRef()
		t.Fork = !strings.EqualFold(pr.GetHead().GetRepo().GetFullName(), owner+"/"+repo)
		if t.PullNumber <= 0 {
			return Target{}, fmt.Errorf("%s event: the payload has no pull_request.number", t.Event)
		}
		if !IsSHA(t.SHA) {
			return Target{}, fmt.Errorf("%s event: pull_request.head.sha %q is not a commit SHA", t.Event, sanitize.Line(t.SHA))
		}
	case "merge_group":
		var ev github.MergeGroupEvent
		if err := readEvent(t.Event, getenv("GITHUB_EVENT_PATH"), &ev); err != nil {
			return Target{}, err
		}
		if t.SHA = ev.GetMergeGroup().GetHeadSHA(); !IsSHA(t.SHA) {
			return Target{}, fmt.Errorf("merge_group event: merge_group.head_sha %q is not a commit SHA", sanitize.Line(t.SHA))
		}
	default:
		if t.SHA = getenv("GITHUB_SHA"); !IsSHA(t.SHA) {
			return Target{}, fmt.Errorf("GITHUB_SHA %q is not a commit SHA", sanitize.Line(t.SHA))
		}
	}
	t.SHA = strings.ToLower(t.SHA)
	return t, nil
}

// readEvent decodes the event payload at path into v.
func readEvent(name, path string, v any) error {
	if path == "" {
		return fmt.Errorf("%s event: GITHUB_EVENT_PATH is empty", name)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s event: read GITHUB_EVENT_PATH: %w", name, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s event: decode %s: %s", name, sanitize.Line(path), sanitize.Line(err.Error()))
	}
	return nil
}

// SplitRepository splits GITHUB_REPOSITORY ("owner/name").
func SplitRepository(s string) (owner, repo string, err error) {
	owner, repo, ok := strings.Cut(s, "/")
	if !ok || checkRepo(owner, repo) != nil {
		if s == "" {
			return "", "", errors.New("GITHUB_REPOSITORY is empty")
		}
		return "", "", fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name", sanitize.Line(s))
	}
	return owner, repo, nil
}

// RunURL returns the run's page, GITHUB_SERVER_URL/GITHUB_REPOSITORY/
// actions/runs/GITHUB_RUN_ID, or "" when one of them is missing or odd.
func RunURL(getenv func(string) string) string {
	server := strings.TrimSuffix(getenv("GITHUB_SERVER_URL"), "/")
	owner, repo, err := SplitRepository(getenv("GITHUB_REPOSITORY"))
	id := getenv("GITHUB_RUN_ID")
	u, perr := url.Parse(server)
	if err != nil || perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.RawQuery != "" || u.User != nil || id == "" || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	return server + "/" + url.PathEscape(owner) + "/" + url.PathEscape(repo) + "/actions/runs/" + id
}
