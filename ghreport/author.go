package ghreport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v66/github"
)

// Author is who wrote a comment, as GitHub gives it: the account's login
// and its type ("User", or "Bot" for a GitHub App's account, which
// GITHUB_TOKEN's github-actions[bot] is too).
type Author struct {
	Login string
	Type  string
}

func (a Author) String() string {
	if a.Type == "" {
		return a.Login
	}
	return a.Login + " (" + a.Type + ")"
}

func authorOf(u *github.User) Author { return Author{Login: u.GetLogin(), Type: u.GetType()} }

// ErrUnknownCommenter is returned (wrapped) when GitHub did not say which
// account the token comments as: the comments that carry the marker are
// then neither edited nor taken as the client's own, and no new comment is
// posted beside them (it could be a second one of the client's own).
var ErrUnknownCommenter = errors.New("could not learn which account the token comments as")

// opViewer is GraphQL's viewer { login }, which needs no permission.
var opViewer = op{"(none)"}

// viewerQuery is GraphQL's viewer { login }: the account the token acts
// and comments as, for every kind of token: a personal access token's
// user, "github-actions[bot]" for GITHUB_TOKEN, "<slug>[bot]" for a GitHub
// App's installation token (which GitHub refuses GET /user).
type viewerQuery struct {
	Viewer struct {
		Login string
	}
}

// identity is who the client's token comments as, once known: login
// exactly, or err when GitHub would not say (after every retry).
type identity struct {
	login string
	err   error
}

// wrote reports whether a comment by a was written with this token: the
// same login (GitHub's logins ignore case; no person's login can end in
// "[bot]", so an App's account is never taken for a user's or another
// App's).
func (id identity) wrote(a Author) bool {
	return id.login != "" && strings.EqualFold(a.Login, id.login)
}

// commenter returns who the token comments as, asking GitHub's GraphQL
// viewer { login } once per client. With a non-nil actx it runs as one
// attempt inside another call, and a failure is not kept (that call
// retries); a failure after every retry is kept for the client's life, so
// a sync over many pull requests does not wait it out again for each.
func (c *Client) commenter(ctx, actx context.Context) (identity, error) {
	c.idMu.Lock()
	defer c.idMu.Unlock()
	if c.id != nil && c.id.err == nil {
		return *c.id, nil
	}
	if c.id != nil {
		return identity{}, c.id.err
	}
	var q viewerQuery
	fn := func(actx context.Context) error {
		q = viewerQuery{}
		return c.gql.Query(actx, &q, nil)
	}
	err := c.graphqlCallIn(ctx, actx, opViewer, fn)
	var pe *PermissionError
	switch {
	case err != nil && ctx.Err() != nil:
		return identity{}, err
	case errors.As(err, &pe):
		// Not a permission to add: viewer needs none.
		err = fmt.Errorf("%w (GraphQL viewer { login }): %w", ErrUnknownCommenter, &APIError{Status: pe.Status, Message: pe.Message})
	case err != nil:
		err = fmt.Errorf("%w (GraphQL viewer { login }): %w", ErrUnknownCommenter, err)
	case q.Viewer.Login == "":
		err = fmt.Errorf("%w: %w: GraphQL viewer { login } gave no login", ErrUnknownCommenter, ErrUnexpectedResponse)
	default:
		c.id = &identity{login: q.Viewer.Login}
		return *c.id, nil
	}
	if actx == nil {
		c.id = &identity{err: err}
	}
	return identity{}, err
}

// learnAuthor records the account of a comment this client created: from
// then on only that exact account's comments are its own.
func (c *Client) learnAuthor(a Author) {
	if a.Login == "" {
		return
	}
	c.idMu.Lock()
	defer c.idMu.Unlock()
	if c.id == nil || c.id.login == "" {
		c.id = &identity{login: a.Login}
	}
}
