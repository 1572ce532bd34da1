package ghreport_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

// TestClient_ListOpenPulls reads 250 open pull requests over three pages
// of 100, and leaves the closed ones out.
func TestClient_ListOpenPulls(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "/api/v3")
	for n := 1; n <= 260; n++ {
		s.AddPull(full, ghsandbox.PullRequest{Number: n, HeadRef: fmt.Sprintf("feature/%d", n), HeadSHA: sha(n),
			Fork: n%50 == 0, HeadRepoDeleted: n == 77, Draft: n == 5, Closed: n > 250})
	}
	c := newClient(t, base)
	got, err := c.ListOpenPulls(testContext(t), owner, repo)
	if err != nil {
		t.Fatalf("ListOpenPulls: %v", err)
	}
	if len(got) != 250 {
		t.Fatalf("got %d pull requests, want 250", len(got))
	}
	if r := countRequests(s, ghsandbox.ListPulls); r != 3 {
		t.Errorf("list requests = %d, want 3", r)
	}
	byNumber := map[int]ghreport.PullRequest{}
	for _, pr := range got {
		byNumber[pr.Number] = pr
	}
	for _, tc := range []struct {
		number      int
		fork, draft bool
	}{{1, false, false}, {5, false, true}, {50, true, false}, {77, true, false}, {250, true, false}} {
		pr, ok := byNumber[tc.number]
		if !ok {
			t.Errorf("#%d missing", tc.number)
			continue
		}
		if pr.HeadRef != fmt.Sprintf("feature/%d", tc.number) || pr.HeadSHA != sha(tc.number) || pr.Fork != tc.fork || pr.Draft != tc.draft ||
			!strings.HasSuffix(pr.URL, fmt.Sprintf("/acme/shop/pull/%d", tc.number)) {
			t.Errorf("#%d = %+v, want fork %v draft %v", tc.number, pr, tc.fork, tc.draft)
		}
	}
}

// TestClient_ListOpenPulls_empty lists a repository without pull requests.
func TestClient_ListOpenPulls_empty(t *testing.T) {
	t.Parallel()
	_, base := newSandbox(t, "")
	got, err := newClient(t, base).ListOpenPulls(testContext(t), owner, repo)
	if err != nil || len(got) != 0 {
		t.Errorf("ListOpenPulls = %v, %v; want none", got, err)
	}
}

// TestClient_ListOpenPulls_failClosed refuses lists it cannot trust.
func TestClient_ListOpenPulls_failClosed(t *testing.T) {
	t.Parallel()
	pr := func(n int, sha string) string {
		return fmt.Sprintf(`{"number":%d,"head":{"ref":"f%d","sha":%q,"repo":{"full_name":"acme/shop"}}}`, n, n, sha)
	}
	for _, tc := range []struct {
		name  string
		pages map[int]string // page → body
		link  map[int]int    // page → next page
		want  string
		is    error
	}{
		{name: "no_head_sha", pages: map[int]string{1: "[" + pr(1, "") + "]"}, want: "#1 has no head branch or head SHA",
			is: ghreport.ErrUnexpectedResponse},
		{name: "listed_twice", pages: map[int]string{1: "[" + pr(1, sha(1)) + "]", 2: "[" + pr(1, sha(1)) + "]"},
			link: map[int]int{1: 2}, want: "#1 is listed twice", is: ghreport.ErrUnexpectedResponse},
		{name: "next_page_goes_back", pages: map[int]string{1: "[" + pr(1, sha(1)) + "]", 2: "[" + pr(2, sha(2)) + "]"},
			link: map[int]int{1: 2, 2: 1}, want: "page 2 names page 1 as the next", is: ghreport.ErrUnexpectedResponse},
		{name: "wrong_shape", pages: map[int]string{1: `{"number":1}`}, want: "unexpected answer", is: ghreport.ErrUnexpectedResponse},
		{name: "too_many_pages", pages: map[int]string{1: "[]", 2: "[]", 3: "[]"}, link: map[int]int{1: 2, 2: 3, 3: 4},
			want: "past 3 pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			for page, body := range tc.pages {
				// The same answer however often the page is asked for.
				f := ghsandbox.Fault{Status: http.StatusOK, Body: body}.On(ghsandbox.ListPulls).AtPage(page).Times(100)
				if next, ok := tc.link[page]; ok {
					f.Header = map[string]string{"Link": fmt.Sprintf(`<%s/repos/%s/pulls?page=%d>; rel="next"`, base, full, next)}
				}
				s.Inject(f)
			}
			c := newClient(t, base, func(cfg *ghreport.Config) { cfg.MaxPages = 3 })
			got, err := c.ListOpenPulls(testContext(t), owner, repo)
			if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
				t.Fatalf("ListOpenPulls = %v, %v; want no list and an error containing %q", got, err, tc.want)
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

// TestClient_ListOpenPulls_pageFault retries a failed second page alone.
func TestClient_ListOpenPulls_pageFault(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "", ghsandbox.WithPageSize(2))
	for n := 1; n <= 5; n++ {
		s.AddPull(full, ghsandbox.PullRequest{Number: n, HeadRef: "f", HeadSHA: sha(n)})
	}
	c := newClient(t, base)
	ctx := testContext(t)
	if _, err := c.ListOpenPulls(ctx, owner, repo); err != nil { // pages 1-3
		t.Fatal(err)
	}
	s.Inject(ghsandbox.ServerError.On(ghsandbox.ListPulls).AtPage(2))
	got, err := c.ListOpenPulls(ctx, owner, repo)
	if err != nil || len(got) != 5 {
		t.Fatalf("ListOpenPulls = %d pull requests, %v; want 5", len(got), err)
	}
	if r := countRequests(s, ghsandbox.ListPulls); r != 7 {
		t.Errorf("list requests = %d, want 7 (3, then 3 and one retry)", r)
	}
}

// TestClient_Pull reads a pull request's state: open, closed, merged; a
// state GitHub does not give, none, or open and merged at once is an
// answer that does not add up, never taken as open or closed.
func TestClient_Pull(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	s.AddPull(full, ghsandbox.PullRequest{Number: 1, HeadRef: "f1", HeadSHA: sha(1)})
	s.AddPull(full, ghsandbox.PullRequest{Number: 2, HeadRef: "f2", HeadSHA: sha(2), Closed: true})
	s.AddPull(full, ghsandbox.PullRequest{Number: 3, HeadRef: "f3", HeadSHA: sha(3), Merged: true})
	c := newClient(t, base)
	for _, tc := range []struct {
		n            int
		open, merged bool
		state        string
	}{{1, true, false, "open"}, {2, false, false, "closed"}, {3, false, true, "closed"}} {
		p, err := c.Pull(testContext(t), owner, repo, tc.n)
		if err != nil || p.Open() != tc.open || p.Merged != tc.merged || p.State != tc.state || p.HeadSHA != sha(tc.n) {
			t.Errorf("Pull(#%d) = %+v, %v; want state %s, merged %v", tc.n, p, err, tc.state, tc.merged)
		}
	}
	body := func(extra string) string {
		return fmt.Sprintf(`{"number":4,%s"head":{"ref":"f4","sha":%q,"repo":{"full_name":"acme/shop"}}}`, extra, sha(4))
	}
	for _, tc := range []struct{ name, body, want string }{
		{"no_state", body(""), `state "", neither open nor closed`},
		{"draft_state", body(`"state":"draft",`), `state "draft", neither open nor closed`},
		{"open_and_merged", body(`"state":"open","merged":true,`), "open and merged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			s.AddPull(full, ghsandbox.PullRequest{Number: 4, HeadRef: "f4", HeadSHA: sha(4)})
			s.Inject(ghsandbox.Fault{Status: http.StatusOK, Body: tc.body}.On(ghsandbox.GetPull).Times(10))
			c := newClient(t, base)
			p, err := c.Pull(testContext(t), owner, repo, 4)
			if !errors.Is(err, ghreport.ErrUnexpectedResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Pull = %+v, %v; want ErrUnexpectedResponse saying %q", p, err, tc.want)
			}
			if n := c.Requests(); n != 1 {
				t.Errorf("%d requests, want 1 (an answer that does not add up is not asked again)", n)
			}
		})
	}
}
