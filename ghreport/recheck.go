package ghreport

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// RecheckCommand is the comment that asks the gate to check a pull
// request again: the first line of the comment, trimmed.
const RecheckCommand = "/recheck"

// Recheck is an issue_comment event as the /recheck command reads it.
type Recheck struct {
	Owner, Repo string
	// Number is the issue's (the pull request's) number.
	Number int
	// CommentID is the comment that asked, for the reactions.
	CommentID int64
	// Author is its author's login and Association their
	// author_association: outside text.
	Author, Association string
	// Ignore, when set, says why the comment is not a /recheck the gate
	// acts on; the run then does nothing else.
	Ignore string
}

// recheckAssociations are the author_association values whose /recheck
// the gate acts on: people with write access to the repository or in its
// organization.
var recheckAssociations = []string{"OWNER", "MEMBER", "COLLABORATOR"}

// ParseRecheck reads an issue_comment event (GITHUB_EVENT_PATH). The gate
// acts on it only when the comment was created (action "created") on a
// pull request (the issue has pull_request), its first line trimmed is
// /recheck, and its author's author_association is OWNER, MEMBER or
// COLLABORATOR; otherwise Ignore says why not. Nothing else in the event
// is trusted: the pull request's head is read from the API (Pull).
func ParseRecheck(getenv func(string) string) (Recheck, error) {
	owner, repo, err := SplitRepository(getenv("GITHUB_REPOSITORY"))
	if err != nil {
		return Recheck{}, err
	}
	var ev github.IssueCommentEvent
	if err := readEvent("issue_comment", getenv("GITHUB_EVENT_PATH"), &ev); err != nil {
		return Recheck{}, err
	}
	rc := Recheck{Owner: owner, Repo: repo, Number: ev.GetIssue().GetNumber(), CommentID: ev.GetComment().GetID(),
		Author: sanitize.Line(ev.GetComment().GetUser().GetLogin()), Association: sanitize.Line(ev.GetComment().GetAuthorAssociation())}
	first, _, _ := strings.Cut(ev.GetComment().GetBody(), "\n")
	switch {
	case ev.GetAction() != "created":
		rc.Ignore = fmt.Sprintf("the comment was %s, not created", sanitize.Line(ev.GetAction()))
	case !ev.GetIssue().IsPullRequest():
		rc.Ignore = fmt.Sprintf("#%d is an issue, not a pull request", rc.Number)
	case strings.TrimSpace(first) != RecheckCommand:
		rc.Ignore = "the comment's first line is not " + RecheckCommand
	case !slices.Contains(recheckAssociations, rc.Association):
		rc.Ignore = fmt.Sprintf("%s asked, whose author_association is %s, not OWNER, MEMBER or COLLABORATOR", rc.Author, rc.Association)
	case rc.Number <= 0 || rc.CommentID <= 0:
		return Recheck{}, fmt.Errorf("issue_comment event: the payload has no issue.number or comment.id")
	}
	return rc, nil
}

// Pull reads one pull request (GET /repos/{owner}/{repo}/pulls/{number}):
// its state (open or closed, and whether it was merged), head branch and
// commit as GitHub has them now. A state other than open or closed, or an
// open one said to be merged, is ErrUnexpectedResponse. A 403 or 404 comes
// back as a *PermissionError naming "pull-requests: read".
func (c *Client) Pull(ctx context.Context, owner, repo string, number int) (PullRequest, error) {
	if err := checkRepo(owner, repo); err != nil {
		return PullRequest{}, fmt.Errorf("read pull request: %w", err)
	}
	var p PullRequest
	err := c.call(ctx, opReadPulls, func(ctx context.Context) (*github.Response, error) {
		pr, resp, err := c.gh.PullRequests.Get(ctx, owner, repo, number)
		if err != nil {
			return resp, err
		}
		p, err = pullOf(owner, repo, pr)
		switch {
		case err != nil:
		case p.Number != number:
			err = fmt.Errorf("%w: asked for pull request #%d, got #%d", ErrUnexpectedResponse, number, p.Number)
		case p.State != "open" && p.State != "closed":
			err = fmt.Errorf("%w: pull request #%d has state %q, neither open nor closed", ErrUnexpectedResponse, p.Number, sanitize.Line(p.State))
		case p.Merged && p.Open():
			err = fmt.Errorf("%w: pull request #%d is said to be open and merged", ErrUnexpectedResponse, p.Number)
		}
		return resp, err
	})
	if err != nil {
		return PullRequest{}, fmt.Errorf("read pull request #%d: %w", number, err)
	}
	return p, nil
}

// The reactions the gate leaves on a /recheck comment.
const (
	ReactionEyes     = "eyes"
	ReactionPlusOne  = "+1"
	ReactionMinusOne = "-1"
)

// React adds a reaction (ReactionEyes, ReactionPlusOne, ReactionMinusOne)
// to an issue comment. A 403 or 404 comes back as a *PermissionError
// naming "pull-requests: write" (the comment is on a pull request).
func (c *Client) React(ctx context.Context, owner, repo string, commentID int64, content string) error {
	if err := checkRepo(owner, repo); err != nil {
		return fmt.Errorf("react: %w", err)
	}
	err := c.call(ctx, opWriteComment, func(ctx context.Context) (*github.Response, error) {
		_, resp, err := c.gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, commentID, content)
		return resp, err
	})
	if err != nil {
		return fmt.Errorf("react %s to comment %d: %w", content, commentID, err)
	}
	return nil
}
