package ghreport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

// identity is who the client's token writes comments as.
type identity struct {
	// author is the exact account, when known: from GET /user for a
	// personal access token, or from a comment this client created.
	author Author
	// app is set for an installation token (GITHUB_TOKEN or a GitHub
	// App's): GitHub refuses it GET /user, and it comments as some
	// "<slug>[bot]" of type Bot whose login the gate learns only from a
	// comment it creates.
	app bool
}

// wrote reports whether a comment by a was written with this identity's
// token: the same login and type when the account is known; for an
// installation token whose account is not known yet, an account of type
// Bot (which no person can comment as; only a GitHub App installed on the
// repository, or a workflow of it, can).
func (id identity) wrote(a Author) bool {
	if id.author.Login != "" {
		return strings.EqualFold(a.Login, id.author.Login) && strings.EqualFold(a.Type, id.author.Type)
	}
	return id.app && strings.EqualFold(a.Type, "Bot")
}

// opReadUser is GET /user, which needs no permission.
var opReadUser = op{"(none)"}

// commenter returns who the token comments as, asking GitHub once per
// client (GET /user): a personal access token's user; for an installation
// token, which GitHub refuses with 403, "an App's bot account". With a
// non-nil actx it runs as one attempt inside another call.
func (c *Client) commenter(ctx, actx context.Context) (identity, error) {
	c.idMu.Lock()
	defer c.idMu.Unlock()
	if c.id != nil {
		return *c.id, nil
	}
	var u *github.User
	fn := func(ctx context.Context) (*github.Response, error) {
		got, resp, err := c.gh.Users.Get(ctx, "")
		u = got
		return resp, err
	}
	err := c.callIn(ctx, actx, opReadUser, fn)
	var pe *PermissionError
	switch {
	case errors.As(err, &pe) && pe.Status == http.StatusForbidden:
		c.id = &identity{app: true}
	case err != nil:
		return identity{}, fmt.Errorf("learn which account the token comments as (GET /user): %w", err)
	case u.GetLogin() == "":
		return identity{}, fmt.Errorf("learn which account the token comments as: %w: GET /user gave no login", ErrUnexpectedResponse)
	default:
		c.id = &identity{author: authorOf(u)}
	}
	return *c.id, nil
}

// learnAuthor records the account of a comment this client created: from
// then on only that exact account's comments are its own.
func (c *Client) learnAuthor(a Author) {
	if a.Login == "" {
		return
	}
	c.idMu.Lock()
	defer c.idMu.Unlock()
	if c.id == nil || c.id.author.Login == "" {
		c.id = &identity{author: a, app: strings.EqualFold(a.Type, "Bot")}
	}
}
