package ghreport_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

func TestDecideComment(t *testing.T) {
	t.Parallel()
	const (
		skip   = ghreport.CommentSkip
		create = ghreport.CommentCreate
		update = ghreport.CommentUpdate
	)
	for _, tc := range []struct {
		policy         ghreport.CommentPolicy
		passed, exists bool
		want           ghreport.CommentAction
	}{
		{ghreport.CommentAlways, true, false, create},
		{ghreport.CommentAlways, false, false, create},
		{ghreport.CommentAlways, true, true, update},
		{ghreport.CommentAlways, false, true, update},
		{ghreport.CommentOnFailure, false, false, create},
		{ghreport.CommentOnFailure, false, true, update},
		{ghreport.CommentOnFailure, true, false, skip},  // a passing run posts nothing
		{ghreport.CommentOnFailure, true, true, update}, // the failing comment now says it passes
		{ghreport.CommentNever, false, false, skip},
		{ghreport.CommentNever, false, true, skip},
		{ghreport.CommentNever, true, true, skip},
		{"sometimes", false, false, skip},
	} {
		name := fmt.Sprintf("%s_passed_%v_exists_%v", tc.policy, tc.passed, tc.exists)
		t.Run(strings.ReplaceAll(name, "-", "_"), func(t *testing.T) {
			t.Parallel()
			if got := ghreport.DecideComment(tc.policy, tc.passed, tc.exists); got != tc.want {
				t.Errorf("DecideComment = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseCommentPolicy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]ghreport.CommentPolicy{
		"": ghreport.CommentOnFailure, "always": ghreport.CommentAlways, " On-Failure ": ghreport.CommentOnFailure, "never": ghreport.CommentNever,
	} {
		if got, err := ghreport.ParseCommentPolicy(in); got != want || err != nil {
			t.Errorf("ParseCommentPolicy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ghreport.ParseCommentPolicy("sometimes\n::error::x"); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("ParseCommentPolicy(bad) error = %q, want one line", err)
	}
}

func TestMarker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ org, db, want string }{
		{"acme", "app", "<!-- deploy-request-gate:acme/app -->"},
		{"acme", "app-2", "<!-- deploy-request-gate:acme/app-2 -->"},
		{"a c", "x-->y", "<!-- deploy-request-gate:a%20c/x--%3Ey -->"},
		{"acme", "db/x\n", "<!-- deploy-request-gate:acme/db%2Fx%0A -->"},
	} {
		if got := ghreport.Marker(tc.org, tc.db); got != tc.want {
			t.Errorf("Marker(%q, %q) = %q, want %q", tc.org, tc.db, got, tc.want)
		}
	}
}

// run is one run of the gate against a pull request's comment.
type run struct {
	policy ghreport.CommentPolicy
	passed bool
	body   string
	want   ghreport.CommentAction
}

// upsertRuns runs the gate's comment step once per run, in order, and
// returns the result of each.
func upsertRuns(t *testing.T, c *ghreport.Client, number int, marker string, runs []run) []ghreport.CommentResult {
	t.Helper()
	var out []ghreport.CommentResult
	for i, r := range runs {
		res, err := c.UpsertComment(testContext(t), owner, repo, number, ghreport.Comment{Marker: marker, Body: r.body, Policy: r.policy, Passed: r.passed})
		if err != nil {
			t.Fatalf("run %d: UpsertComment: %v", i+1, err)
		}
		if res.Action != r.want {
			t.Errorf("run %d: action = %v, want %v", i+1, res.Action, r.want)
		}
		out = append(out, res)
	}
	return out
}

// TestClient_UpsertComment_runs runs the gate several times on one pull
// request: one comment per database, edited in place, never duplicated.
func TestClient_UpsertComment_runs(t *testing.T) {
	t.Parallel()
	blocked := "❌ 1 deploy request needs approval: #105"
	passing := "✅ The gate passes now (2025-06-01 12:00 UTC). It failed before."
	for _, tc := range []struct {
		name         string
		runs         []run
		wantComments int
		wantLast     string
	}{
		{name: "fail_fail_pass_on_failure", runs: []run{
			{ghreport.CommentOnFailure, false, blocked, ghreport.CommentCreate},
			{ghreport.CommentOnFailure, false, blocked + " (again)", ghreport.CommentUpdate},
			{ghreport.CommentOnFailure, true, passing, ghreport.CommentUpdate},
			{ghreport.CommentOnFailure, true, passing, ghreport.CommentUnchanged},
		}, wantComments: 1, wantLast: passing},
		{name: "pass_on_failure_posts_nothing", runs: []run{
			{ghreport.CommentOnFailure, true, passing, ghreport.CommentSkip},
			{ghreport.CommentOnFailure, true, passing, ghreport.CommentSkip},
		}},
		{name: "always_creates_on_pass", runs: []run{
			{ghreport.CommentAlways, true, passing, ghreport.CommentCreate},
			{ghreport.CommentAlways, false, blocked, ghreport.CommentUpdate},
		}, wantComments: 1, wantLast: blocked},
		{name: "never_touches_nothing", runs: []run{
			{ghreport.CommentNever, false, blocked, ghreport.CommentSkip},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "/api/v3")
			s.AddPull(full, ghsandbox.PullRequest{Number: 7, HeadRef: "feature", HeadSHA: sha(7)})
			s.AddComment(full, 7, "octocat", "LGTM, but see "+ghreport.Marker("acme", "app")) // quotes the marker: not ours
			c := newClient(t, base)
			results := upsertRuns(t, c, 7, ghreport.Marker("acme", "app"), tc.runs)
			var ours []ghsandbox.Comment
			for _, cm := range s.Comments(full, 7) {
				if strings.HasPrefix(cm.Body, ghreport.Marker("acme", "app")) {
					ours = append(ours, cm)
				}
			}
			if len(ours) != tc.wantComments {
				t.Fatalf("comments with the marker = %d, want %d", len(ours), tc.wantComments)
			}
			if tc.wantComments == 0 {
				if got := countRequests(s, ghsandbox.CreateComment) + countRequests(s, ghsandbox.EditComment); got != 0 {
					t.Errorf("%d comment writes, want none", got)
				}
				return
			}
			if want := ghreport.Marker("acme", "app") + "\n" + tc.wantLast; ours[0].Body != want {
				t.Errorf("body = %q, want %q", ours[0].Body, want)
			}
			for i, r := range results {
				if r.ID != ours[0].ID || !strings.HasSuffix(r.URL, fmt.Sprintf("#issuecomment-%d", ours[0].ID)) {
					t.Errorf("run %d: result %+v, want comment %d", i+1, r, ours[0].ID)
				}
			}
		})
	}
}

// TestClient_UpsertComment_databases keeps one comment per database.
func TestClient_UpsertComment_databases(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	s.AddPull(full, ghsandbox.PullRequest{Number: 3, HeadRef: "f", HeadSHA: sha(3)})
	c := newClient(t, base)
	for _, db := range []string{"app", "app-2", "billing"} {
		upsertRuns(t, c, 3, ghreport.Marker("acme", db), []run{{ghreport.CommentAlways, false, "blocked " + db, ghreport.CommentCreate}})
	}
	if got := len(s.Comments(full, 3)); got != 3 {
		t.Fatalf("comments = %d, want 3", got)
	}
	for _, db := range []string{"app", "app-2", "billing"} {
		upsertRuns(t, c, 3, ghreport.Marker("acme", db), []run{{ghreport.CommentAlways, true, "passes " + db, ghreport.CommentUpdate}})
	}
	for _, cm := range s.Comments(full, 3) {
		if !strings.Contains(cm.Body, "passes") || strings.Count(cm.Body, "deploy-request-gate:") != 1 {
			t.Errorf("comment %d = %q", cm.ID, cm.Body)
		}
	}
}

// TestClient_UpsertComment_secondPage finds the marker after 150 other
// comments, on page 2.
func TestClient_UpsertComment_secondPage(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "/api/v3")
	s.AddPull(full, ghsandbox.PullRequest{Number: 9, HeadRef: "f", HeadSHA: sha(9)})
	for i := range 150 {
		s.AddComment(full, 9, "octocat", fmt.Sprintf("comment %d", i))
	}
	marker := ghreport.Marker("acme", "app")
	id := s.AddComment(full, 9, "github-actions[bot]", marker+"\nblocked") // written by an earlier run with GITHUB_TOKEN
	c := newClient(t, base)
	res := upsertRuns(t, c, 9, marker, []run{{ghreport.CommentOnFailure, true, "passes now", ghreport.CommentUpdate}})
	if res[0].ID != id {
		t.Errorf("updated comment %d, want %d", res[0].ID, id)
	}
	if got := countRequests(s, ghsandbox.ListComments); got != 2 {
		t.Errorf("list requests = %d, want 2", got)
	}
	if got := len(s.Comments(full, 9)); got != 151 {
		t.Errorf("comments = %d, want 151 (none added)", got)
	}
}

// TestClient_UpsertComment_faults never leaves two comments, whatever
// happens to the writes.
func TestClient_UpsertComment_faults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		faults []ghsandbox.Fault
		exists bool
		want   ghreport.CommentAction
	}{
		{name: "create_stored_then_502", faults: []ghsandbox.Fault{ghsandbox.BadGateway.Applied().On(ghsandbox.CreateComment)}, want: ghreport.CommentCreate},
		{name: "create_stored_then_cut", faults: []ghsandbox.Fault{ghsandbox.Disconnect.Applied().On(ghsandbox.CreateComment)}, want: ghreport.CommentCreate},
		{name: "create_rate_limited", faults: []ghsandbox.Fault{ghsandbox.SecondaryRateLimit("0").On(ghsandbox.CreateComment)}, want: ghreport.CommentCreate},
		{name: "create_not_stored_500", faults: []ghsandbox.Fault{ghsandbox.ServerError.On(ghsandbox.CreateComment)}, want: ghreport.CommentCreate},
		{name: "lookup_500_on_page_1", faults: []ghsandbox.Fault{ghsandbox.ServerError.On(ghsandbox.ListComments)}, exists: true, want: ghreport.CommentUpdate},
		{name: "edit_gone_once", faults: []ghsandbox.Fault{ghsandbox.NotFound.On(ghsandbox.EditComment)}, exists: true, want: ghreport.CommentUpdate},
		{name: "edit_stored_then_502", faults: []ghsandbox.Fault{ghsandbox.BadGateway.Applied().On(ghsandbox.EditComment)}, exists: true, want: ghreport.CommentUpdate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			s.AddPull(full, ghsandbox.PullRequest{Number: 4, HeadRef: "f", HeadSHA: sha(4)})
			marker := ghreport.Marker("acme", "app")
			if tc.exists {
				s.AddComment(full, 4, "github-actions[bot]", marker+"\nold")
			}
			s.Inject(tc.faults...)
			upsertRuns(t, newClient(t, base), 4, marker, []run{{ghreport.CommentOnFailure, false, "blocked", tc.want}})
			got := s.Comments(full, 4)
			if len(got) != 1 || got[0].Body != marker+"\nblocked" {
				t.Errorf("comments = %+v, want one with the new body", got)
			}
		})
	}
}

// TestClient_UpsertComment_refusedLocally checks input before any request.
func TestClient_UpsertComment_refusedLocally(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	c := newClient(t, base)
	for _, cm := range []ghreport.Comment{
		{Marker: "<!-- mine -->", Body: "x", Policy: ghreport.CommentAlways},
		{Marker: ghreport.Marker("a", "b") + "\n", Body: "x", Policy: ghreport.CommentAlways},
		{Marker: ghreport.Marker("a", "b"), Body: "x", Policy: "sometimes"},
		{Marker: ghreport.Marker("a", "b"), Body: "x"},
	} {
		if _, err := c.UpsertComment(testContext(t), owner, repo, 1, cm); err == nil {
			t.Errorf("UpsertComment(%+v) = nil error", cm)
		}
	}
	if _, err := c.UpsertComment(testContext(t), owner, repo, 0, ghreport.Comment{Marker: ghreport.Marker("a", "b"), Policy: ghreport.CommentAlways}); err == nil {
		t.Error("UpsertComment(#0) = nil error")
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests for refused input", n)
	}
}
