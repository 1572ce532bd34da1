package ghsandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The endpoints of the /recheck command.
const (
	GetPull        Endpoint = "GET /repos/{owner}/{repo}/pulls/{number}"
	CreateReaction Endpoint = "POST /repos/{owner}/{repo}/issues/comments/{id}/reactions"
)

// Reaction is a reaction on an issue comment.
type Reaction struct {
	ID      int64
	Content string
	User    string
}

// reactionContents are the reactions GitHub accepts.
var reactionContents = []string{"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"}

// getPull is GET /repos/{owner}/{repo}/pulls/{number}: one pull request,
// open or closed, as the list serves it, with "merged" (and merged_at for
// a merged one) as GitHub's single read adds; 404 when there is none.
func (s *Server) getPull(w http.ResponseWriter, r *http.Request, rs *repoState, _ Token) {
	n, err := strconv.Atoi(r.PathValue("number"))
	pr, ok := rs.pulls[n]
	if err != nil || !ok {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	out := s.siteOf(r).pull(rs, pr)
	merged := pr.Merged
	out.Merged = &merged
	if merged {
		at := out.CreatedAt.Add(24 * time.Hour)
		out.MergedAt = &at
	}
	writeJSON(w, http.StatusOK, out)
}

// createReaction is POST .../issues/comments/{id}/reactions: 201 with the
// new reaction, 200 with the one this user already left, 422 for a
// content GitHub does not know, 404 for no such comment.
func (s *Server) createReaction(w http.ResponseWriter, r *http.Request, rs *repoState, t Token) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, c := rs.comment(id); err != nil || c == nil {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	var in struct {
		Content string `json:"content"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if !slices.Contains(reactionContents, in.Content) {
		writeInvalid(w, "Reaction", "content", "content is not included in the list")
		return
	}
	for _, x := range rs.reactions[id] {
		if x.Content == in.Content && x.User == t.Login {
			writeJSON(w, http.StatusOK, reactionJSON(x))
			return
		}
	}
	x := Reaction{ID: s.nextID(), Content: in.Content, User: t.Login}
	rs.reactions[id] = append(rs.reactions[id], x)
	writeJSON(w, http.StatusCreated, reactionJSON(x))
}

func reactionJSON(x Reaction) map[string]any {
	return map[string]any{"id": x.ID, "node_id": "REA_" + strconv.FormatInt(x.ID, 10), "user": user(x.User), "content": x.Content,
		"created_at": "2025-01-01T00:00:00Z"}
}

// Reactions returns the reactions on comment id, oldest first.
func (s *Server) Reactions(repo string, id int64) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.repo(repo, false)
	if rs == nil {
		return nil
	}
	return slices.Clone(rs.reactions[id])
}

// IssueCommentEvent is the payload GitHub sends a workflow for an
// issue_comment event (action created): comment id by login with
// association on issue number of repo, which is a pull request when
// isPull is set (then the issue has a pull_request object).
func IssueCommentEvent(repo string, number int, isPull bool, id int64, login, association, body string) string {
	issue := map[string]any{"number": number, "title": "a change", "state": "open",
		"html_url": "https://github.com/" + repo + "/issues/" + strconv.Itoa(number)}
	if isPull {
		issue["pull_request"] = map[string]any{"url": "https://api.github.com/repos/" + repo + "/pulls/" + strconv.Itoa(number),
			"html_url": "https://github.com/" + repo + "/pull/" + strconv.Itoa(number)}
	}
	b, _ := json.Marshal(map[string]any{ // maps of strings, ints and bools: cannot fail
		"action": "created", "issue": issue,
		"comment":    map[string]any{"id": id, "body": body, "user": user(login), "author_association": association},
		"repository": map[string]any{"full_name": repo},
	})
	return string(b)
}
