package ghsandbox

import (
	"slices"
	"strings"
	"time"
)

// PullRequest is a pull request the sandbox serves.
type PullRequest struct {
	Number int
	Title  string
	// HeadRef and HeadSHA are the branch and commit the pull request merges.
	HeadRef string
	HeadSHA string
	// BaseRef is the branch it merges into (default "main").
	BaseRef string
	// Fork puts the head branch in a fork ("<login>/<repo>" of another owner).
	Fork bool
	// HeadRepoDeleted serves the head repository as null, as GitHub does
	// once a fork is deleted.
	HeadRepoDeleted bool
	Draft           bool
	// Closed leaves it out of state=open listings; GET serves it with state
	// "closed".
	Closed bool
	// Merged is a closed pull request that was merged: GET serves it with
	// state "closed", merged true and a merged_at (Closed is implied).
	Merged bool
}

// state is the pull request's state as GraphQL names it: OPEN, CLOSED or
// MERGED (Merged implies closed). REST says "open" or "closed" (restState).
func (pr PullRequest) state() string {
	switch {
	case pr.Merged:
		return "MERGED"
	case pr.Closed:
		return "CLOSED"
	}
	return "OPEN"
}

// restState is the pull request's state as REST gives it: "open", or
// "closed" for a closed or merged one.
func (pr PullRequest) restState() string {
	if pr.state() == "OPEN" {
		return "open"
	}
	return "closed"
}

// Comment is an issue comment on a pull request.
type Comment struct {
	ID int64
	// User is the author's login; one ending in "[bot]" is served with
	// type Bot (a GitHub App's account, GITHUB_TOKEN's github-actions[bot]
	// among them), any other with type User.
	User      string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Status is a commit status.
type Status struct {
	ID          int64
	State       string
	Context     string
	Description string
	TargetURL   string
	Creator     string
	CreatedAt   time.Time
}

// repoState is what the sandbox holds for one repository.
type repoState struct {
	owner, name string
	pulls       map[int]PullRequest
	comments    map[int][]Comment
	statuses    map[string][]Status // by SHA, oldest first
	// reactions are the reactions on issue comments, by comment id.
	reactions map[int64][]Reaction
}

// repo returns the state of "owner/name", making it when create is set;
// s.mu must be held.
func (s *Server) repo(fullName string, create bool) *repoState {
	key := strings.ToLower(fullName)
	rs := s.repos[key]
	if rs == nil && create {
		owner, name, _ := strings.Cut(fullName, "/")
		rs = &repoState{owner: owner, name: name, pulls: map[int]PullRequest{},
			comments: map[int][]Comment{}, statuses: map[string][]Status{}, reactions: map[int64][]Reaction{}}
		s.repos[key] = rs
	}
	return rs
}

// nextID returns a fresh id; s.mu must be held.
func (s *Server) nextID() int64 {
	s.lastID++
	return 1_000_000 + s.lastID
}

// WithRepo adds an empty repository "owner/name".
func WithRepo(fullName string) Option {
	return func(s *Server) { s.repo(fullName, true) }
}

// AddPull adds (or replaces) a pull request of repository "owner/name".
func (s *Server) AddPull(repo string, pr PullRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repo(repo, true).pulls[pr.Number] = pr
}

// AddComment adds a comment by user to pull request number and returns its id.
func (s *Server) AddComment(repo string, number int, user, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addComment(s.repo(repo, true), number, user, body)
}

// addComment stores a comment; s.mu must be held.
func (s *Server) addComment(rs *repoState, number int, user, body string) int64 {
	now := s.now().UTC()
	c := Comment{ID: s.nextID(), User: user, Body: body, CreatedAt: now, UpdatedAt: now}
	rs.comments[number] = append(rs.comments[number], c)
	return c.ID
}

// AddStatus stores a status on sha as if it had been posted.
func (s *Server) AddStatus(repo, sha string, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addStatus(s.repo(repo, true), sha, st)
}

// addStatus stores a status, giving it an id and time; s.mu must be held.
func (s *Server) addStatus(rs *repoState, sha string, st Status) Status {
	st.ID = s.nextID()
	if st.CreatedAt.IsZero() {
		st.CreatedAt = s.now().UTC()
	}
	st.Context = statusContext(st.Context)
	rs.statuses[strings.ToLower(sha)] = append(rs.statuses[strings.ToLower(sha)], st)
	return st
}

// statusContext is the context a status is stored under: GitHub's
// "default" when it was posted without one.
func statusContext(context string) string {
	if context == "" {
		return "default"
	}
	return context
}

// countStatuses counts the statuses of context on sha; s.mu must be held.
func (rs *repoState) countStatuses(sha, context string) int {
	context = statusContext(context)
	n := 0
	for _, st := range rs.statuses[strings.ToLower(sha)] {
		if st.Context == context {
			n++
		}
	}
	return n
}

// comment returns comment id and the number of the issue it is on, or nil
// when there is none; the pointer is into rs.comments. s.mu must be held.
func (rs *repoState) comment(id int64) (int, *Comment) {
	for n, list := range rs.comments {
		if i := slices.IndexFunc(list, func(c Comment) bool { return c.ID == id }); i >= 0 {
			return n, &list[i]
		}
	}
	return 0, nil
}

// Comments returns the comments on a pull request, oldest first.
func (s *Server) Comments(repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rs := s.repo(repo, false); rs != nil {
		return slices.Clone(rs.comments[number])
	}
	return nil
}

// Statuses returns every status posted on sha, oldest first.
func (s *Server) Statuses(repo, sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rs := s.repo(repo, false); rs != nil {
		return slices.Clone(rs.statuses[strings.ToLower(sha)])
	}
	return nil
}

// LatestStatus returns the newest status of context on sha.
func (s *Server) LatestStatus(repo, sha, context string) (Status, bool) {
	all := s.Statuses(repo, sha)
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Context == context {
			return all[i], true
		}
	}
	return Status{}, false
}

// latestPerContext returns the newest status of each context, in the
// order each context was first used; s.mu must be held.
func (rs *repoState) latestPerContext(sha string) []Status {
	var out []Status
	index := map[string]int{}
	for _, st := range rs.statuses[strings.ToLower(sha)] {
		if i, ok := index[st.Context]; ok {
			out[i] = st
			continue
		}
		index[st.Context] = len(out)
		out = append(out, st)
	}
	return out
}

// openPulls returns the open pull requests, newest (highest number) first
// as GitHub's default sort does; s.mu must be held.
func (rs *repoState) openPulls() []PullRequest {
	var out []PullRequest
	for _, pr := range rs.pulls {
		if pr.state() == "OPEN" {
			out = append(out, pr)
		}
	}
	slices.SortFunc(out, func(a, b PullRequest) int { return b.Number - a.Number })
	return out
}
