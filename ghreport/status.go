package ghreport

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// State is a commit status state.
type State string

// The states a commit status can have.
const (
	StateSuccess State = "success"
	StateFailure State = "failure" // a deploy request blocks
	StateError   State = "error"   // the gate could not decide
	StatePending State = "pending"
)

func (s State) valid() bool {
	switch s {
	case StateSuccess, StateFailure, StateError, StatePending:
		return true
	}
	return false
}

// MaxDescription is GitHub's limit on a status description, in characters.
const MaxDescription = 140

// Status is a commit status.
type Status struct {
	State State
	// Context names the check, such as "planetscale/app".
	Context string
	// Description is cut to MaxDescription characters (see CutDescription).
	Description string
	// TargetURL is where the check links (optional).
	TargetURL string
}

// CutDescription returns s on one line and at most MaxDescription
// characters long, ending in "…" when it had to be cut.
func CutDescription(s string) string {
	s = strings.TrimSpace(sanitize.Strip(s))
	r := []rune(s)
	if len(r) <= MaxDescription {
		return s
	}
	return strings.TrimRight(string(r[:MaxDescription-1]), " ") + "…"
}

// SetStatus posts st on commit sha. A 403 or 404 comes back as a
// *PermissionError for "statuses: write".
func (c *Client) SetStatus(ctx context.Context, owner, repo, sha string, st Status) error {
	if err := checkRepo(owner, repo); err != nil {
		return fmt.Errorf("set commit status: %w", err)
	}
	if !IsSHA(sha) {
		return fmt.Errorf("set commit status: %q is not a commit SHA", sanitize.Line(sha))
	}
	if !st.State.valid() {
		return fmt.Errorf("set commit status: state %q is not success, failure, error or pending", sanitize.Line(string(st.State)))
	}
	if strings.TrimSpace(st.Context) == "" {
		return fmt.Errorf("set commit status: empty context")
	}
	in := &github.RepoStatus{State: github.String(string(st.State)), Context: github.String(st.Context)}
	if d := CutDescription(st.Description); d != "" {
		in.Description = &d
	}
	if st.TargetURL != "" {
		in.TargetURL = github.String(st.TargetURL)
	}
	err := c.call(ctx, opWriteStatus, func(ctx context.Context) (*github.Response, error) {
		_, resp, err := c.gh.Repositories.CreateStatus(ctx, owner, repo, sha, in)
		return resp, err
	})
	if err != nil {
		return fmt.Errorf("set commit status %q on %s: %w", sanitize.Line(st.Context), ShortSHA(sha), err)
	}
	return nil
}

// LatestStatus returns the newest status of statusContext on commit sha, read
// from the combined status (every page of it); found is false when the
// commit has none.
func (c *Client) LatestStatus(ctx context.Context, owner, repo, sha, statusContext string) (st Status, found bool, err error) {
	if err := checkRepo(owner, repo); err != nil {
		return Status{}, false, fmt.Errorf("read commit statuses: %w", err)
	}
	if !IsSHA(sha) {
		return Status{}, false, fmt.Errorf("read commit statuses: %q is not a commit SHA", sanitize.Line(sha))
	}
	err = c.walk(ctx, nil, opReadStatus, func(ctx context.Context, n int) (*github.Response, bool, error) {
		combined, resp, err := c.gh.Repositories.GetCombinedStatus(ctx, owner, repo, sha, &github.ListOptions{Page: n, PerPage: 100})
		if err != nil {
			return resp, false, err
		}
		for _, s := range combined.Statuses {
			if s.GetContext() == statusContext {
				st = Status{State: State(s.GetState()), Context: s.GetContext(), Description: s.GetDescription(), TargetURL: s.GetTargetURL()}
				found = true
				return resp, true, nil
			}
		}
		return resp, false, nil
	})
	if err != nil {
		return Status{}, false, fmt.Errorf("read commit statuses of %s: %w", ShortSHA(sha), err)
	}
	return st, found, nil
}

// IsSHA reports whether s is a full commit SHA (40 or, in SHA-256
// repositories, 64 hexadecimal digits).
func IsSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// ShortSHA returns the first 7 characters of a SHA, for messages.
func ShortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// checkRepo refuses an owner or repository name that is empty or could
// change the path it is put into.
func checkRepo(owner, repo string) error {
	for _, s := range []string{owner, repo} {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/?#%\\ ") || sanitize.Line(s) != s {
			return fmt.Errorf("bad repository %q", sanitize.Line(owner+"/"+repo))
		}
	}
	return nil
}
