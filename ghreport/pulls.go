package ghreport

import (
	"fmt"
	"strings"

	"github.com/google/go-github/v66/github"
)

// PullRequest is a pull request, as sync mode and /recheck need it.
type PullRequest struct {
	Number int
	// State is "open" or "closed" (a merged pull request is closed).
	State string
	// Merged is set once it was merged (Pull reads it; lists of open pull
	// requests hold none).
	Merged bool
	// HeadRef is the head branch's name as GitHub gives it: outside text,
	// to be passed through sanitize.Line before it is printed.
	HeadRef string
	// HeadSHA is the head commit, where its commit status goes.
	HeadSHA string
	// Fork is true when the head branch lives in another repository (or in
	// a deleted one): its name is then chosen by someone outside.
	Fork  bool
	Draft bool
	// URL is the pull request's page.
	URL string
}

// Open reports whether the pull request is open.
func (p PullRequest) Open() bool { return p.State == "open" }

// check refuses a pull request the API described without a number, a head
// branch or a head SHA.
func (p PullRequest) check() error {
	switch {
	case p.Number <= 0:
		return fmt.Errorf("%w: a pull request without a number", ErrUnexpectedResponse)
	case p.HeadRef == "" || !IsSHA(p.HeadSHA):
		return fmt.Errorf("%w: pull request #%d has no head branch or head SHA", ErrUnexpectedResponse, p.Number)
	}
	return nil
}

// pullOf checks and converts one pull request GitHub's REST API gave.
func pullOf(owner, repo string, pr *github.PullRequest) (PullRequest, error) {
	p := PullRequest{Number: pr.GetNumber(), State: pr.GetState(), Merged: pr.GetMerged(), HeadRef: pr.GetHead().GetRef(),
		HeadSHA: pr.GetHead().GetSHA(), Draft: pr.GetDraft(), URL: pr.GetHTMLURL()}
	if err := p.check(); err != nil {
		return p, err
	}
	headRepo := pr.GetHead().GetRepo().GetFullName()
	p.Fork = !strings.EqualFold(headRepo, owner+"/"+repo)
	return p, nil
}
