package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// recheckFixture: acme/shop has #105 from add-index (unapproved) and #106
// from other-branch (unapproved); pull request #7's head is add-index at
// e2eHead; the /recheck comment is id returned.
func recheckFixture(t *testing.T, approved bool, comment string, association string, isPull bool) (gateRun, *ghsandbox.Server, int64) {
	t.Helper()
	gh := ghsandbox.New(ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithRepo(e2eRepo), ghsandbox.WithToken(ghsandbox.Token{Value: e2eGitHubToken}))
	gh.AddPull(e2eRepo, ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead})
	return recheckRun(t, gh, approved, comment, association, isPull)
}

// recheckRun is recheckFixture on gh, which holds pull request #7.
func recheckRun(t *testing.T, gh *ghsandbox.Server, approved bool, comment string, association string, isPull bool) (gateRun, *ghsandbox.Server, int64) {
	t.Helper()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(105, "add-index", "ready", approved), dr(106, "other-branch", "ready", false)})
	id := gh.AddComment(e2eRepo, 7, "maintainer", comment)
	// The event's text names another head: the gate must not believe it.
	payload := ghsandbox.IssueCommentEvent(e2eRepo, 7, isPull, id, "maintainer", association, comment)
	payload = strings.Replace(payload, `"action"`, `"pull_request":{"head":{"sha":"`+e2eMerge+`","ref":"other-branch"}},"action"`, 1)
	srv := httptest.NewServer(gh)
	t.Cleanup(srv.Close)
	env := eventEnv(t, srv.URL+"/api/v3", "issue_comment", payload)
	in := baseInputs(url)
	in["github-token"] = e2eGitHubToken
	in["status-context"] = "planetscale/shop"
	in["comment"] = "always"
	in["branch"] = "" // ${{ github.head_ref }} on issue_comment
	run := runGate(t, in, env...)
	checkNoGitHubToken(t, run, gh, 7)
	return run, gh, id
}

func reactions(gh *ghsandbox.Server, id int64) []string {
	var out []string
	for _, r := range gh.Reactions(e2eRepo, id) {
		out = append(out, r.Content)
	}
	return out
}

// TestRecheck_Collaborator: a collaborator's /recheck checks the pull
// request's head (from the API, not the event), with its head branch as
// the filter: blocked by #105 only, then 👎; after approval, 👍 and green.
func TestRecheck_Collaborator(t *testing.T) {
	t.Parallel()
	run, gh, id := recheckFixture(t, false, "/recheck  \nplease", "COLLABORATOR", true)
	requireExit(t, run, 1)
	if got := run.outputs["blocking"]; got != "105" {
		t.Errorf("blocking = %q, want 105 (the head branch add-index only)", got)
	}
	if st, ok := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); !ok || st.State != "failure" {
		t.Errorf("status on the head read from the API = %+v (found %v), want failure", st, ok)
	}
	if sts := gh.Statuses(e2eRepo, e2eMerge); len(sts) != 0 {
		t.Errorf("statuses on the event's (false) SHA: %+v", sts)
	}
	if got := strings.Join(reactions(gh, id), " "); got != "eyes -1" {
		t.Errorf("reactions = %q, want eyes -1", got)
	}
	c := gh.Comments(e2eRepo, 7)
	if len(c) != 2 || !strings.Contains(c[1].Body, "can comment `/recheck`") {
		t.Errorf("comments = %+v, want the /recheck comment and the gate's, which says how to recheck", c)
	}
	if !strings.Contains(run.stdout, "/recheck by maintainer (COLLABORATOR): checking pull request #7, head 0123456 on add-index (read from the API)") {
		t.Errorf("log lacks the /recheck line:\n%s", run.stdout)
	}

	run, gh, id = recheckFixture(t, true, "/recheck", "MEMBER", true)
	if run.exitCode != 0 {
		t.Fatalf("approved: exit code = %d, want 0\n%s", run.exitCode, run.stdout)
	}
	if got := strings.Join(reactions(gh, id), " "); got != "eyes +1" {
		t.Errorf("reactions = %q, want eyes +1", got)
	}
	if st, _ := gh.LatestStatus(e2eRepo, e2eHead, "planetscale/shop"); st.State != "success" {
		t.Errorf("status = %+v, want success", st)
	}
}

// TestRecheck_Ignored: outsiders, issues that are not pull requests and
// /recheck past the first line get one log line, no reaction, no status,
// no comment, exit 0.
func TestRecheck_Ignored(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, association string
		isPull                  bool
		why                     string
	}{
		{"none", "/recheck", "NONE", true, "author_association is NONE"},
		{"contributor", "/recheck", "CONTRIBUTOR", true, "author_association is CONTRIBUTOR"},
		{"first-time", "/recheck", "FIRST_TIME_CONTRIBUTOR", true, "author_association is FIRST_TIME_CONTRIBUTOR"},
		{"issue", "/recheck", "OWNER", false, "#7 is an issue, not a pull request"},
		{"second line", "please\n/recheck", "OWNER", true, "first line is not /recheck"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			run, gh, id := recheckFixture(t, false, tc.body, tc.association, tc.isPull)
			requireExit(t, run, 0)
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(run.stdout), "\n") {
				if !strings.HasPrefix(l, "::add-mask::") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], "not a /recheck the gate acts on") || !strings.Contains(lines[0], tc.why) {
				t.Errorf("log = %q, want one line saying %q", lines, tc.why)
			}
			if r := reactions(gh, id); len(r) != 0 {
				t.Errorf("reactions = %q, want none", r)
			}
			if len(gh.Statuses(e2eRepo, e2eHead)) != 0 || len(gh.Comments(e2eRepo, 7)) != 1 || len(gh.Requests()) != 0 {
				t.Errorf("GitHub was called: %+v", gh.Requests())
			}
			if run.outputsRaw != "" {
				t.Errorf("outputs = %q, want none", run.outputsRaw)
			}
		})
	}
}

// TestRecheck_NotOpen: a maintainer's /recheck on a pull request that was
// closed or merged is one log line and 👎, exit 0 and no outputs: no
// status on its old head, the gate's comment as it was.
func TestRecheck_NotOpen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pr   ghsandbox.PullRequest
		how  string
	}{
		{"closed", ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead, Closed: true}, "closed"},
		{"merged", ghsandbox.PullRequest{Number: 7, HeadRef: "add-index", HeadSHA: e2eHead, Merged: true}, "merged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gh := ghsandbox.New(ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithRepo(e2eRepo), ghsandbox.WithToken(ghsandbox.Token{Value: e2eGitHubToken}))
			gh.AddPull(e2eRepo, tc.pr)
			old := ghsandbox.Status{State: "failure", Context: "planetscale/shop", Description: "1 deploy request needs approval: #105"}
			gh.AddStatus(e2eRepo, e2eHead, old)
			own := "<!-- deploy-request-gate:acme/shop -->\n## ❌ 1 deploy request needs approval"
			ownID := gh.AddComment(e2eRepo, 7, "github-actions[bot]", own)
			run, gh, id := recheckRun(t, gh, true, "/recheck", "OWNER", true)
			if run.exitCode != 0 {
				t.Fatalf("exit code = %d, want 0\n%s", run.exitCode, run.stdout)
			}
			want := "/recheck by maintainer (OWNER): pull request #7 is " + tc.how + ", not open; nothing checked, no status or comment written (3 GitHub requests)"
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(run.stdout), "\n") {
				if !strings.HasPrefix(l, "::") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], want) {
				t.Errorf("log = %q, want one line %q", lines, want)
			}
			if got := strings.Join(reactions(gh, id), " "); got != "eyes -1" {
				t.Errorf("reactions = %q, want eyes -1", got)
			}
			if sts := gh.Statuses(e2eRepo, e2eHead); len(sts) != 1 || sts[0].State != "failure" {
				t.Errorf("statuses on the old head = %+v, want only the one there before", sts)
			}
			c := gh.Comments(e2eRepo, 7)
			if len(c) != 2 || c[0].ID != ownID || c[0].Body != own {
				t.Errorf("comments = %+v, want the gate's untouched and the /recheck", c)
			}
			for _, r := range gh.Requests() {
				if r.Endpoint != ghsandbox.GetPull && r.Endpoint != ghsandbox.CreateReaction {
					t.Errorf("request %s %s, want only the pull request read and the reactions", r.Method, r.Path)
				}
			}
			if run.outputsRaw != "" {
				t.Errorf("outputs = %q, want none", run.outputsRaw)
			}
		})
	}
}
