package ghsandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// GitHub's limits on what it stores.
const (
	maxDescription = 140   // characters of a status description
	maxCommentBody = 65536 // characters of a comment body
)

// routes registers the endpoints on s.mux.
func (s *Server) routes() {
	s.mux.HandleFunc(string(CreateStatus), s.write(s.createStatus))
	s.mux.HandleFunc(string(CombinedStatus), s.read(s.combinedStatus))
	s.mux.HandleFunc(string(ListStatuses), s.read(s.listStatuses))
	s.mux.HandleFunc(string(ListComments), s.read(s.listComments))
	s.mux.HandleFunc(string(CreateComment), s.write(s.commentWrite(s.createComment)))
	s.mux.HandleFunc(string(EditComment), s.write(s.commentWrite(s.editComment)))
	s.mux.HandleFunc(string(ListPulls), s.read(s.listPulls))
	s.mux.HandleFunc(string(GetPull), s.read(s.getPull))
	s.mux.HandleFunc(string(CreateReaction), s.write(s.commentWrite(s.createReaction)))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { writeMessage(w, http.StatusNotFound, "Not Found") })
}

// handler serves one endpoint of one repository with s.mu held.
type handler func(w http.ResponseWriter, r *http.Request, rs *repoState, t Token)

// read finds the repository the token may see, or answers 404 as GitHub
// does for both a missing repository and one the token cannot see.
func (s *Server) read(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := tokenOf(r)
		full := r.PathValue("owner") + "/" + r.PathValue("repo")
		s.mu.Lock()
		defer s.mu.Unlock()
		rs := s.repo(full, false)
		if rs == nil || !t.canSee(full) {
			writeMessage(w, http.StatusNotFound, "Not Found")
			return
		}
		h(w, r, rs, t)
	}
}

// write is read for a write: a read-only token gets GitHub's 403.
func (s *Server) write(h handler) http.HandlerFunc {
	return s.read(func(w http.ResponseWriter, r *http.Request, rs *repoState, t Token) {
		if t.ReadOnly {
			writeMessage(w, http.StatusForbidden, "Resource not accessible by integration")
			return
		}
		h(w, r, rs, t)
	})
}

// commentWrite refuses a comment write to a token without
// "pull-requests: write" (NoCommentWrites) with GitHub's 403.
func (s *Server) commentWrite(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, rs *repoState, t Token) {
		if t.NoCommentWrites {
			writeMessage(w, http.StatusForbidden, "Resource not accessible by integration")
			return
		}
		h(w, r, rs, t)
	}
}

// decodeBody reads a JSON request body into v, answering 400 when it is not JSON.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		writeMessage(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	return true
}

func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

func (s *Server) createStatus(w http.ResponseWriter, r *http.Request, rs *repoState, t Token) {
	var in struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	sha := r.PathValue("sha")
	switch {
	case !slices.Contains([]string{"error", "failure", "pending", "success"}, in.State):
		writeInvalid(w, "Status", "state", "state is not included in the list")
	case utf8.RuneCountInString(in.Description) > maxDescription:
		writeInvalid(w, "Status", "description", "description is too long (maximum is 140 characters)")
	case !isSHA(sha):
		writeInvalid(w, "Status", "sha", "No commit found for SHA: "+sha)
	case rs.countStatuses(sha, in.Context) >= MaxStatuses:
		writeInvalid(w, "Status", "context", "This SHA and context has reached the maximum number of statuses.")
	default:
		st := s.addStatus(rs, sha, Status{State: in.State, Context: in.Context, Description: in.Description,
			TargetURL: in.TargetURL, Creator: t.Login})
		writeJSON(w, http.StatusCreated, s.siteOf(r).status(rs, st))
	}
}

func (s *Server) combinedStatus(w http.ResponseWriter, r *http.Request, rs *repoState, _ Token) {
	st := s.siteOf(r)
	sha := r.PathValue("ref")
	latest := rs.latestPerContext(sha)
	out := combinedJSON{State: combinedState(latest), SHA: sha, TotalCount: len(latest),
		Repository: st.repo(rs.owner, rs.name, false),
		CommitURL:  st.api + "/repos/" + rs.owner + "/" + rs.name + "/commits/" + sha,
		URL:        st.api + "/repos/" + rs.owner + "/" + rs.name + "/commits/" + sha + "/status"}
	out.Statuses = pageItems(s, w, r, latest, func(x Status) statusJSON { return st.status(rs, x) })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listStatuses(w http.ResponseWriter, r *http.Request, rs *repoState, _ Token) {
	all := slices.Clone(rs.statuses[strings.ToLower(r.PathValue("ref"))])
	slices.Reverse(all) // newest first, as GitHub lists them
	st := s.siteOf(r)
	writeJSON(w, http.StatusOK, pageItems(s, w, r, all, func(x Status) statusJSON { return st.status(rs, x) }))
}

// issue finds the pull request a comments path names, or answers 404.
func issue(w http.ResponseWriter, r *http.Request, rs *repoState) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if _, ok := rs.pulls[n]; err != nil || !ok {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return 0, false
	}
	return n, true
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, rs *repoState, _ Token) {
	n, ok := issue(w, r, rs)
	if !ok {
		return
	}
	st := s.siteOf(r)
	writeJSON(w, http.StatusOK, pageItems(s, w, r, rs.comments[n], func(c Comment) commentJSON { return st.comment(rs, n, c) }))
}

// commentBody reads and checks a comment's body as GitHub does.
func commentBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &in) {
		return "", false
	}
	switch {
	case in.Body == nil || strings.TrimSpace(*in.Body) == "":
		writeInvalid(w, "IssueComment", "body", "body wasn't supplied")
	case utf8.RuneCountInString(*in.Body) > maxCommentBody:
		writeInvalid(w, "IssueComment", "body", "Body is too long (maximum is 65536 characters)")
	default:
		return *in.Body, true
	}
	return "", false
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request, rs *repoState, t Token) {
	n, ok := issue(w, r, rs)
	if !ok {
		return
	}
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	s.addComment(rs, n, t.Login, body)
	all := rs.comments[n]
	writeJSON(w, http.StatusCreated, s.siteOf(r).comment(rs, n, all[len(all)-1]))
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request, rs *repoState, _ Token) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	n, c := rs.comment(id)
	if err != nil || c == nil {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	c.Body, c.UpdatedAt = body, s.now().UTC()
	writeJSON(w, http.StatusOK, s.siteOf(r).comment(rs, n, *c))
}

func (s *Server) listPulls(w http.ResponseWriter, r *http.Request, rs *repoState, _ Token) {
	var pulls []PullRequest
	switch r.URL.Query().Get("state") {
	case "", "open":
		pulls = rs.openPulls()
	case "closed", "all":
		writeInvalid(w, "PullRequest", "state", "the sandbox lists open pull requests only")
		return
	default:
		writeInvalid(w, "PullRequest", "state", "state is not included in the list")
		return
	}
	st := s.siteOf(r)
	writeJSON(w, http.StatusOK, pageItems(s, w, r, pulls, func(pr PullRequest) pullJSON { return st.pull(rs, pr) }))
}
