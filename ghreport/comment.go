package ghreport

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v66/github"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Comment is the sticky comment of one database on one pull request.
type Comment struct {
	// Marker finds the comment again; make it with Marker.
	Marker string
	// Body is the comment's Markdown, without the marker.
	Body string
	// Policy is the comment input.
	Policy CommentPolicy
	// Passed is the gate's verdict.
	Passed bool
	// Tail ends a body cut to fit GitHub's limit (see FitComment); nil
	// gives a plain "N more lines" note.
	Tail func(dropped []string) string
	// Same tells a stored body whose content equals body's (say, apart
	// from a timestamp): it is then not edited. Nil: byte equality.
	Same func(stored, body string) bool
}

// CommentResult says what UpsertComment did.
type CommentResult struct {
	Action CommentAction
	// ID and URL name the comment (zero when skipped).
	ID  int64
	URL string
	// Ignored are the authors of comments that start with the marker but
	// were not written with this token: never edited, adopted or deleted.
	Ignored []Author
}

// UpsertComment keeps one sticky comment per pull request and marker: it
// looks through every page of the pull request's comments for the first
// one whose body starts with the marker and that the token itself wrote
// (see docs/github.md: the login GraphQL's viewer { login } gives for the
// token, asked once per client and only when a comment with the marker is
// there; or the account of a comment this client created), then does what
// DecideComment says: edit it in place, create it, or nothing. The body
// is cut to fit GitHub's limit with FitComment. A create that may have
// been stored before its answer was lost is looked for before it is sent
// again, so a retry never leaves two comments. A comment with the marker
// by anyone else is left alone and named in CommentResult.Ignored. When
// GitHub does not say who the token is while comments with the marker are
// there, nothing is written and the error matches ErrUnknownCommenter:
// never another's comment edited, never a second one posted. A 403 or 404
// comes back as a *PermissionError naming "pull-requests: write".
// CommentNever makes no request.
func (c *Client) UpsertComment(ctx context.Context, owner, repo string, number int, cm Comment) (CommentResult, error) {
	if err := checkRepo(owner, repo); err != nil {
		return CommentResult{}, fmt.Errorf("comment: %w", err)
	}
	if number <= 0 {
		return CommentResult{}, fmt.Errorf("comment: pull request number %d", number)
	}
	if err := checkMarker(cm.Marker); err != nil {
		return CommentResult{}, fmt.Errorf("comment: %w", err)
	}
	policy, err := ParseCommentPolicy(string(cm.Policy))
	if err != nil || cm.Policy == "" {
		return CommentResult{}, fmt.Errorf("comment: policy %q is not always, on-failure or never", sanitize.Line(string(cm.Policy)))
	}
	cm.Policy = policy
	if cm.Policy == CommentNever {
		return CommentResult{Action: CommentSkip}, nil
	}
	body := FitComment(cm.Marker, cm.Body, cm.Tail)
	res, err := c.upsert(ctx, owner, repo, number, cm, body)
	if err != nil {
		return res, fmt.Errorf("comment on pull request #%d: %w", number, err)
	}
	return res, nil
}

func (c *Client) upsert(ctx context.Context, owner, repo string, number int, cm Comment, body string) (CommentResult, error) {
	for try := 1; ; try++ {
		found, ignored, err := c.findComment(ctx, nil, owner, repo, number, cm.Marker)
		if err != nil {
			return CommentResult{}, fmt.Errorf("look for the comment: %w", err)
		}
		res := CommentResult{Action: DecideComment(cm.Policy, cm.Passed, found != nil), Ignored: ignored}
		switch res.Action {
		case CommentSkip:
			return res, nil
		case CommentCreate:
			res.ID, res.URL, err = c.createComment(ctx, owner, repo, number, cm.Marker, body)
			return res, err
		}
		res.ID, res.URL = found.GetID(), found.GetHTMLURL()
		if found.GetBody() == body || (cm.Same != nil && cm.Same(found.GetBody(), body)) {
			res.Action = CommentUnchanged
			return res, nil
		}
		err = c.call(ctx, opWriteComment, func(ctx context.Context) (*github.Response, error) {
			_, resp, err := c.gh.Issues.EditComment(ctx, owner, repo, found.GetID(), &github.IssueComment{Body: &body})
			return resp, err
		})
		var pe *PermissionError
		if errors.As(err, &pe) && pe.Status == http.StatusNotFound && try == 1 {
			continue // deleted since it was found: look again
		}
		if err != nil {
			return res, fmt.Errorf("edit comment %d: %w", found.GetID(), err)
		}
		return res, nil
	}
}

// findComment returns the first comment whose body starts with marker and
// that this client's token wrote, or nil, reading every page; ignored are
// the authors of the other comments with the marker. Who the token writes
// as is asked only when a comment with the marker is there. With a non-nil
// actx it runs inside an attempt of another call (see walk). A refusal
// names "pull-requests: write", which the lookup is for and which grants
// the read.
func (c *Client) findComment(ctx, actx context.Context, owner, repo string, number int, marker string) (found *github.IssueComment, ignored []Author, err error) {
	var marked []*github.IssueComment
	err = c.walk(ctx, actx, opWriteComment, func(pctx context.Context, n int) (*github.Response, bool, error) {
		opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{Page: n, PerPage: 100}}
		list, resp, err := c.gh.Issues.ListComments(pctx, owner, repo, number, opts)
		if err != nil {
			return resp, false, err
		}
		for _, cm := range list {
			if hasMarker(cm.GetBody(), marker) {
				marked = append(marked, cm)
			}
		}
		return resp, false, nil
	})
	if err != nil || len(marked) == 0 {
		return nil, nil, err
	}
	id, err := c.commenter(ctx, actx)
	if err != nil {
		return nil, nil, fmt.Errorf("%w; %d with the marker left alone, none posted", err, len(marked))
	}
	for _, cm := range marked {
		switch a := authorOf(cm.GetUser()); {
		case found == nil && id.wrote(a):
			found = cm
		case found == nil || cm.GetUser().GetLogin() != found.GetUser().GetLogin():
			ignored = append(ignored, a)
		}
	}
	return found, ignored, nil
}

// createComment posts body. When an attempt failed in a way that may
// have stored the comment all the same (a 5xx, a lost connection, a cut
// answer), the next attempt first looks for it.
func (c *Client) createComment(ctx context.Context, owner, repo string, number int, marker, body string) (int64, string, error) {
	var (
		created   *github.IssueComment
		uncertain bool
	)
	err := httpretry.Do(ctx, c.retry, c.notify, func(actx context.Context) error {
		if uncertain {
			found, _, err := c.findComment(ctx, actx, owner, repo, number, marker)
			if err != nil {
				return err
			}
			if found != nil {
				created = found
				return nil
			}
		}
		return c.once(ctx, actx, opWriteComment, func(actx context.Context) (*github.Response, error) {
			got, resp, err := c.gh.Issues.CreateComment(actx, owner, repo, number, &github.IssueComment{Body: &body})
			uncertain = mayHaveStored(resp, err)
			created = got
			return resp, err
		})
	})
	if err != nil {
		return 0, "", fmt.Errorf("create the comment: %w", err)
	}
	c.learnAuthor(authorOf(created.GetUser()))
	return created.GetID(), created.GetHTMLURL(), nil
}

// mayHaveStored reports whether a failed write may have been carried out:
// no answer, a 5xx, or a 2xx whose body was cut.
func mayHaveStored(resp *github.Response, err error) bool {
	if err == nil {
		return false
	}
	if resp == nil || resp.Response == nil {
		return true
	}
	return resp.StatusCode >= 500 || resp.StatusCode < 300
}
