package ghsandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const jsonType = "application/json; charset=utf-8"

// The JSON shapes below carry the fields GitHub documents for each object
// that a client may read; urls point back at this server.

type userJSON struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

type repoJSON struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	FullName string   `json:"full_name"`
	Owner    userJSON `json:"owner"`
	Private  bool     `json:"private"`
	Fork     bool     `json:"fork"`
	HTMLURL  string   `json:"html_url"`
	URL      string   `json:"url"`
}

type branchJSON struct {
	Label string    `json:"label"`
	Ref   string    `json:"ref"`
	SHA   string    `json:"sha"`
	User  userJSON  `json:"user"`
	Repo  *repoJSON `json:"repo"`
}

type pullJSON struct {
	ID        int64      `json:"id"`
	Number    int        `json:"number"`
	State     string     `json:"state"`
	Title     string     `json:"title"`
	Draft     bool       `json:"draft"`
	URL       string     `json:"url"`
	HTMLURL   string     `json:"html_url"`
	User      userJSON   `json:"user"`
	Head      branchJSON `json:"head"`
	Base      branchJSON `json:"base"`
	CreatedAt time.Time  `json:"created_at"`
	MergedAt  *time.Time `json:"merged_at"`
	// Merged is in GET's answer only, not in lists.
	Merged *bool `json:"merged,omitempty"`
}

type commentJSON struct {
	ID                int64    `json:"id"`
	NodeID            string   `json:"node_id"`
	URL               string   `json:"url"`
	HTMLURL           string   `json:"html_url"`
	IssueURL          string   `json:"issue_url"`
	Body              string   `json:"body"`
	User              userJSON `json:"user"`
	AuthorAssociation string   `json:"author_association"`
	times
}

type statusJSON struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	State       string   `json:"state"`
	Description *string  `json:"description"`
	TargetURL   *string  `json:"target_url"`
	Context     string   `json:"context"`
	Creator     userJSON `json:"creator"`
	times
}

type combinedJSON struct {
	State      string       `json:"state"`
	SHA        string       `json:"sha"`
	TotalCount int          `json:"total_count"`
	Statuses   []statusJSON `json:"statuses"`
	Repository repoJSON     `json:"repository"`
	CommitURL  string       `json:"commit_url"`
	URL        string       `json:"url"`
}

// times are an object's timestamps.
type times struct {
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// site is where the objects of one answer point: the API under its
// prefix and the web pages at the root.
type site struct{ api, web string }

func (s *Server) siteOf(r *http.Request) site {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	root := scheme + "://" + r.Host
	return site{api: root + s.prefix, web: root}
}

func user(login string) userJSON {
	typ := "User"
	if strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	return userJSON{Login: login, ID: int64(len(login)) * 1000, Type: typ}
}

func (st site) repo(owner, name string, fork bool) repoJSON {
	return repoJSON{ID: int64(len(owner+name)) * 7, Name: name, FullName: owner + "/" + name, Owner: user(owner),
		Fork: fork, HTMLURL: st.web + "/" + owner + "/" + name, URL: st.api + "/repos/" + owner + "/" + name}
}

func (st site) pull(rs *repoState, pr PullRequest) pullJSON {
	headOwner := rs.owner
	if pr.Fork {
		headOwner = "contributor"
	}
	head := branchJSON{Label: headOwner + ":" + pr.HeadRef, Ref: pr.HeadRef, SHA: pr.HeadSHA, User: user(headOwner)}
	if !pr.HeadRepoDeleted {
		r := st.repo(headOwner, rs.name, pr.Fork)
		head.Repo = &r
	}
	base := baseOf(pr)
	baseRepo := st.repo(rs.owner, rs.name, false)
	path := fmt.Sprintf("/repos/%s/%s/pulls/%d", rs.owner, rs.name, pr.Number)
	return pullJSON{ID: int64(pr.Number) * 31, Number: pr.Number, State: pr.restState(), Title: pr.Title, Draft: pr.Draft,
		URL: st.api + path, HTMLURL: fmt.Sprintf("%s/%s/%s/pull/%d", st.web, rs.owner, rs.name, pr.Number),
		User: user(headOwner), Head: head,
		Base:      branchJSON{Label: rs.owner + ":" + base, Ref: base, SHA: strings.Repeat("b", 40), User: user(rs.owner), Repo: &baseRepo},
		CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(pr.Number) * time.Hour)}
}

func (st site) comment(rs *repoState, number int, c Comment) commentJSON {
	repoPath := "/repos/" + rs.owner + "/" + rs.name
	return commentJSON{ID: c.ID, NodeID: fmt.Sprintf("IC_%d", c.ID),
		URL:      fmt.Sprintf("%s%s/issues/comments/%d", st.api, repoPath, c.ID),
		HTMLURL:  fmt.Sprintf("%s/%s/%s/pull/%d#issuecomment-%d", st.web, rs.owner, rs.name, number, c.ID),
		IssueURL: fmt.Sprintf("%s%s/issues/%d", st.api, repoPath, number),
		Body:     c.Body, User: user(c.User), AuthorAssociation: "NONE", times: times{c.CreatedAt, c.UpdatedAt}}
}

func (st site) status(rs *repoState, x Status) statusJSON {
	out := statusJSON{ID: x.ID, State: x.State, Context: x.Context, Creator: user(x.Creator),
		URL:   fmt.Sprintf("%s/repos/%s/%s/statuses/%d", st.api, rs.owner, rs.name, x.ID),
		times: times{x.CreatedAt, x.CreatedAt}}
	if x.Description != "" { // GitHub sends null for what was never set
		out.Description = &x.Description
	}
	if x.TargetURL != "" {
		out.TargetURL = &x.TargetURL
	}
	return out
}

// combinedState is the state GitHub gives a commit from its latest
// statuses: failure over pending over success, pending when there are none.
func combinedState(latest []Status) string {
	state := "success"
	if len(latest) == 0 {
		state = "pending"
	}
	for _, x := range latest {
		switch x.State {
		case "error", "failure":
			return "failure"
		case "pending":
			state = "pending"
		}
	}
	return state
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeMessage answers with GitHub's error body.
func writeMessage(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{
		"message":           message,
		"documentation_url": "https://docs.github.com/rest",
		"status":            fmt.Sprint(status),
	})
}

// writeInvalid answers 422 as GitHub does for a field it refuses.
func writeInvalid(w http.ResponseWriter, resource, field, message string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"resource": resource, "field": field, "code": "custom", "message": message}},
		"documentation_url": "https://docs.github.com/rest",
		"status":            "422",
	})
}
