package ghreport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

func TestCutDescription(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 200)
	for _, tc := range []struct{ name, in, want string }{
		{name: "short", in: "2 deploy requests need approval: #105, #114", want: "2 deploy requests need approval: #105, #114"},
		{name: "exactly_140", in: long[:140], want: long[:140]},
		{name: "141_cut", in: long[:141], want: long[:139] + "…"},
		{name: "multibyte_counted_as_characters", in: strings.Repeat("é", 150), want: strings.Repeat("é", 139) + "…"},
		{name: "space_before_the_cut_dropped", in: strings.Repeat("a", 138) + "  bcd", want: strings.Repeat("a", 138) + "…"},
		{name: "one_line", in: "blocked\n::error::x", want: "blocked ::error::x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ghreport.CutDescription(tc.in)
			if got != tc.want {
				t.Errorf("CutDescription = %q, want %q", got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > ghreport.MaxDescription {
				t.Errorf("length %d > %d", n, ghreport.MaxDescription)
			}
		})
	}
}

// TestClient_SetStatus posts statuses the sandbox stores as sent, with a
// long description cut (the sandbox refuses more than 140 characters, as
// GitHub does).
func TestClient_SetStatus(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "/api/v3")
	c := newClient(t, base)
	ctx := testContext(t)
	long := "3 deploy requests need approval: " + strings.Repeat("#1234, ", 30)
	for _, st := range []ghreport.Status{
		{State: ghreport.StatePending, Context: "planetscale/app", Description: "checking"},
		{State: ghreport.StateFailure, Context: "planetscale/app", Description: long, TargetURL: "https://app.planetscale.com/acme/app/deploy-requests/105"},
		{State: ghreport.StateError, Context: "planetscale/other"},
	} {
		if err := c.SetStatus(ctx, owner, repo, sha(3), st); err != nil {
			t.Fatalf("SetStatus(%+v): %v", st, err)
		}
	}
	got := s.Statuses(full, sha(3))
	if len(got) != 3 {
		t.Fatalf("stored %d statuses, want 3", len(got))
	}
	if got[1].State != "failure" || got[1].Description != ghreport.CutDescription(long) ||
		got[1].TargetURL != "https://app.planetscale.com/acme/app/deploy-requests/105" || got[1].Context != "planetscale/app" {
		t.Errorf("stored %+v", got[1])
	}
	latest, found, err := c.LatestStatus(ctx, owner, repo, sha(3), "planetscale/app")
	if err != nil || !found || latest.State != ghreport.StateFailure || latest.Description != ghreport.CutDescription(long) {
		t.Errorf("LatestStatus = %+v, %v, %v; want the failure", latest, found, err)
	}
}

func TestClient_SetStatus_refusedLocally(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	c := newClient(t, base)
	ok := ghreport.Status{State: ghreport.StateSuccess, Context: "c"}
	for _, tc := range []struct {
		name, owner, repo, sha string
		st                     ghreport.Status
		want                   string
	}{
		{name: "short_sha", owner: owner, repo: repo, sha: "abc123", st: ok, want: "not a commit SHA"},
		{name: "bad_state", owner: owner, repo: repo, sha: sha(1), st: ghreport.Status{State: "blocked", Context: "c"}, want: "state \"blocked\""},
		{name: "no_context", owner: owner, repo: repo, sha: sha(1), st: ghreport.Status{State: ghreport.StateSuccess}, want: "empty context"},
		{name: "path_in_owner", owner: "acme/../x", repo: repo, sha: sha(1), st: ok, want: "bad repository"},
		{name: "empty_repo", owner: owner, repo: "", sha: sha(1), st: ok, want: "bad repository"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := c.SetStatus(testContext(t), tc.owner, tc.repo, tc.sha, tc.st)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests made for refused input", n)
	}
}

// TestClient_permissions turns 403 and 404 answers into a
// *PermissionError naming the permission each call needs.
func TestClient_permissions(t *testing.T) {
	t.Parallel()
	const readOnly, otherRepo = "ghs_ReadOnlyFork0123456789", "ghp_OtherRepoOnly0123456789"
	calls := []struct {
		name       string
		permission string // needed by the call
		write      bool
		call       func(ctx context.Context, c *ghreport.Client) error
	}{
		{name: "set_status", permission: "statuses: write", write: true, call: func(ctx context.Context, c *ghreport.Client) error {
			return c.SetStatus(ctx, owner, repo, sha(1), ghreport.Status{State: ghreport.StateFailure, Context: "c"})
		}},
		{name: "create_comment", permission: "pull-requests: write", write: true, call: func(ctx context.Context, c *ghreport.Client) error {
			_, err := c.UpsertComment(ctx, owner, repo, 1, ghreport.Comment{Marker: ghreport.Marker("acme", "app"), Body: "x", Policy: ghreport.CommentAlways})
			return err
		}},
		{name: "read_pull", permission: "pull-requests: read", call: func(ctx context.Context, c *ghreport.Client) error {
			_, err := c.Pull(ctx, owner, repo, 1)
			return err
		}},
		{name: "read_status", permission: "statuses: read", call: func(ctx context.Context, c *ghreport.Client) error {
			_, _, err := c.LatestStatus(ctx, owner, repo, sha(1), "c")
			return err
		}},
	}
	for _, tc := range calls {
		for _, who := range []struct {
			name, token string
			status      int
			readsFail   bool
		}{
			{name: "read_only_token", token: readOnly, status: http.StatusForbidden},
			{name: "token_without_access", token: otherRepo, status: http.StatusNotFound, readsFail: true},
		} {
			if !tc.write && !who.readsFail {
				continue
			}
			t.Run(tc.name+"_"+who.name, func(t *testing.T) {
				t.Parallel()
				s, base := newSandbox(t, "/api/v3")
				s.AddPull(full, ghsandbox.PullRequest{Number: 1, HeadRef: "feature", HeadSHA: sha(1)})
				err := tc.call(testContext(t), newClient(t, base, withToken(who.token)))
				wantPermission(t, err, tc.permission, who.status)
				checkClean(t, err, readOnly, otherRepo)
				if len(s.Statuses(full, sha(1))) != 0 || len(s.Comments(full, 1)) != 0 {
					t.Error("a refused write was stored")
				}
			})
		}
	}
}

// TestClient_LatestStatus finds a context on a later page of the combined
// status, and reports a context the commit lacks as not found.
func TestClient_LatestStatus(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "", ghsandbox.WithPageSize(3))
	for i := range 8 {
		s.AddStatus(full, sha(9), ghsandbox.Status{State: "success", Context: fmt.Sprintf("ci/%d", i)})
	}
	s.AddStatus(full, sha(9), ghsandbox.Status{State: "failure", Context: "planetscale/app", Description: "blocked"})
	s.AddStatus(full, sha(9), ghsandbox.Status{State: "success", Context: "ci/0"})
	c := newClient(t, base)
	ctx := testContext(t)
	st, found, err := c.LatestStatus(ctx, owner, repo, sha(9), "planetscale/app")
	if err != nil || !found || st.State != ghreport.StateFailure || st.Description != "blocked" {
		t.Errorf("LatestStatus = %+v, %v, %v; want the failure on page 3", st, found, err)
	}
	if got := countRequests(s, ghsandbox.CombinedStatus); got != 3 {
		t.Errorf("combined status requests = %d, want 3 (pages 1-3)", got)
	}
	st, found, err = c.LatestStatus(ctx, owner, repo, sha(9), "planetscale/none")
	if err != nil || found {
		t.Errorf("LatestStatus(missing) = %+v, %v, %v; want not found", st, found, err)
	}
	if got := countRequests(s, ghsandbox.CombinedStatus); got != 6 {
		t.Errorf("combined status requests = %d, want 6 (every page read again)", got)
	}
}

// TestClient_LatestStatus_failClosed refuses combined statuses whose pages
// it cannot trust, without asking again for an answer that does not add up.
func TestClient_LatestStatus_failClosed(t *testing.T) {
	t.Parallel()
	const page = `{"state":"pending","statuses":[{"state":"success","context":"other"}]}`
	for _, tc := range []struct {
		name  string
		pages map[int]string // page → body
		link  map[int]int    // page → next page
		want  string
		is    error
	}{
		{name: "next_page_goes_back", pages: map[int]string{1: page, 2: page}, link: map[int]int{1: 2, 2: 1},
			want: "page 2 names page 1 as the next", is: ghreport.ErrUnexpectedResponse},
		{name: "wrong_shape", pages: map[int]string{1: `[{"context":"c"}]`}, want: "unexpected answer", is: ghreport.ErrUnexpectedResponse},
		{name: "too_many_pages", pages: map[int]string{1: page, 2: page, 3: page}, link: map[int]int{1: 2, 2: 3, 3: 4},
			want: "past 3 pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			for page, body := range tc.pages {
				// The same answer however often the page is asked for.
				f := ghsandbox.Fault{Status: http.StatusOK, Body: body}.On(ghsandbox.CombinedStatus).AtPage(page).Times(100)
				if next, ok := tc.link[page]; ok {
					f.Header = map[string]string{"Link": fmt.Sprintf(`<%s/repos/%s/commits/%s/status?page=%d>; rel="next"`, base, full, sha(1), next)}
				}
				s.Inject(f)
			}
			c := newClient(t, base, func(cfg *ghreport.Config) { cfg.MaxPages = 3 })
			st, found, err := c.LatestStatus(testContext(t), owner, repo, sha(1), "planetscale/app")
			if err == nil || !strings.Contains(err.Error(), tc.want) || found {
				t.Fatalf("LatestStatus = %+v, %v, %v; want not found and an error containing %q", st, found, err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if n := c.Requests(); n > len(tc.pages) {
				t.Errorf("%d requests for %d pages: an answer that does not add up was asked for again", n, len(tc.pages))
			}
		})
	}
}

// TestClient_LatestStatus_pageFault retries a failed second page alone.
func TestClient_LatestStatus_pageFault(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "", ghsandbox.WithPageSize(2))
	for i := range 4 {
		s.AddStatus(full, sha(1), ghsandbox.Status{State: "success", Context: fmt.Sprintf("ci/%d", i)})
	}
	s.AddStatus(full, sha(1), ghsandbox.Status{State: "failure", Context: "planetscale/app"})
	c := newClient(t, base)
	ctx := testContext(t)
	if _, found, err := c.LatestStatus(ctx, owner, repo, sha(1), "planetscale/app"); err != nil || !found { // pages 1-3
		t.Fatal(found, err)
	}
	s.Inject(ghsandbox.ServerError.On(ghsandbox.CombinedStatus).AtPage(2))
	st, found, err := c.LatestStatus(ctx, owner, repo, sha(1), "planetscale/app")
	if err != nil || !found || st.State != ghreport.StateFailure {
		t.Fatalf("LatestStatus = %+v, %v, %v; want the failure on page 3", st, found, err)
	}
	if r := countRequests(s, ghsandbox.CombinedStatus); r != 7 {
		t.Errorf("combined status requests = %d, want 7 (3, then 3 and one retry)", r)
	}
}
