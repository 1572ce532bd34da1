package ghsandbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

func TestServer_auth(t *testing.T) {
	t.Parallel()
	_, base := newServer(t)
	pulls := base + "/repos/acme/shop/pulls"
	for _, tc := range []struct {
		name, auth, url string
		status          int
	}{
		{name: "bearer", auth: "Bearer " + token, url: pulls, status: http.StatusOK},
		{name: "token_scheme", auth: "token " + token, url: pulls, status: http.StatusOK},
		{name: "none", url: pulls, status: http.StatusUnauthorized},
		{name: "wrong_token", auth: "Bearer ghs_wrong", url: pulls, status: http.StatusUnauthorized},
		{name: "basic", auth: "Basic " + token, url: pulls, status: http.StatusUnauthorized},
		{name: "other_repo_only", auth: "Bearer " + elsewhere, url: pulls, status: http.StatusNotFound},
		{name: "unknown_repo", auth: "Bearer " + token, url: base + "/repos/acme/nothing/pulls", status: http.StatusNotFound},
		{name: "outside_the_prefix", auth: "Bearer " + token, url: strings.TrimSuffix(base, "/api/v3") + "/repos/acme/shop/pulls", status: http.StatusNotFound},
		{name: "unknown_endpoint", auth: "Bearer " + token, url: base + "/repos/acme/shop/hooks", status: http.StatusNotFound},
		{name: "repo_names_ignore_case", auth: "Bearer " + token, url: base + "/repos/ACME/Shop/pulls", status: http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := call(t, http.MethodGet, tc.url, tc.auth, "")
			want(t, a, tc.status)
			if tc.status == http.StatusUnauthorized && !strings.Contains(a.body, `"message":"Bad credentials"`) {
				t.Errorf("body = %s, want GitHub's Bad credentials", a.body)
			}
		})
	}
}

// TestServer_paging pages like GitHub: per_page (default 30, capped),
// page, and a Link header on this server's own address.
func TestServer_paging(t *testing.T) {
	t.Parallel()
	_, base := newServer(t)
	list := base + "/repos/acme/shop/pulls?state=open&per_page=3"
	link := func(page int, rel string) string {
		return fmt.Sprintf(`<%s/repos/acme/shop/pulls?page=%d&per_page=3&state=open>; rel=%q`, base, page, rel)
	}
	for _, tc := range []struct {
		page       int
		numbers    []int
		wantLink   string
		wantNoLink bool
	}{
		{page: 1, numbers: []int{7, 6, 5}, wantLink: link(2, "next") + ", " + link(3, "last")},
		{page: 2, numbers: []int{4, 3, 2}, wantLink: link(1, "prev") + ", " + link(3, "next") + ", " + link(3, "last") + ", " + link(1, "first")},
		{page: 3, numbers: []int{1}, wantLink: link(2, "prev") + ", " + link(1, "first")},
		{page: 4, numbers: nil, wantLink: link(3, "prev") + ", " + link(1, "first")},
	} {
		t.Run(fmt.Sprintf("page_%d", tc.page), func(t *testing.T) {
			t.Parallel()
			a := call(t, http.MethodGet, fmt.Sprintf("%s&page=%d", list, tc.page), "Bearer "+token, "")
			want(t, a, http.StatusOK)
			var got []struct {
				Number int `json:"number"`
			}
			a.json(t, &got)
			if len(got) != len(tc.numbers) {
				t.Fatalf("got %d items, want %v", len(got), tc.numbers)
			}
			for i, n := range tc.numbers {
				if got[i].Number != n {
					t.Errorf("item %d = #%d, want #%d", i, got[i].Number, n)
				}
			}
			if l := a.header.Get("Link"); l != tc.wantLink {
				t.Errorf("Link =\n%s\nwant\n%s", l, tc.wantLink)
			}
		})
	}
	t.Run("single_page_no_link", func(t *testing.T) {
		t.Parallel()
		a := call(t, http.MethodGet, base+"/repos/acme/shop/pulls", "Bearer "+token, "")
		if l := a.header.Get("Link"); l != "" {
			t.Errorf("Link = %q on the only page", l)
		}
	})
	t.Run("page_size_capped", func(t *testing.T) {
		t.Parallel()
		_, capped := newServer(t, ghsandbox.WithPageSize(2))
		a := call(t, http.MethodGet, capped+"/repos/acme/shop/pulls?per_page=100", "Bearer "+token, "")
		var got []any
		a.json(t, &got)
		if len(got) != 2 || !strings.Contains(a.header.Get("Link"), `page=4&per_page=100>; rel="last"`) {
			t.Errorf("got %d items, Link %q; want 2 and last page 4", len(got), a.header.Get("Link"))
		}
	})
}

// TestServer_statuses stores statuses as GitHub does, refuses what GitHub
// refuses, and serves them combined and listed.
func TestServer_statuses(t *testing.T) {
	t.Parallel()
	s, base := newServer(t)
	post := func(body string) answer {
		return call(t, http.MethodPost, base+"/repos/acme/shop/statuses/"+sha1, "Bearer "+token, body)
	}
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"state":"failure","context":"planetscale/app","description":"blocked","target_url":"https://x.example/1"}`, http.StatusCreated},
		{`{"state":"success","context":"ci"}`, http.StatusCreated},
		{`{"state":"success","context":"planetscale/app"}`, http.StatusCreated},
		{`{"state":"blocked","context":"x"}`, http.StatusUnprocessableEntity},
		{`{"state":"success","description":"` + strings.Repeat("é", 141) + `"}`, http.StatusUnprocessableEntity},
		{`{"state":`, http.StatusBadRequest},
	} {
		want(t, post(tc.body), tc.status)
	}
	want(t, call(t, http.MethodPost, base+"/repos/acme/shop/statuses/abc", "Bearer "+token, `{"state":"success"}`), http.StatusUnprocessableEntity)

	stored := s.Statuses("acme/shop", sha1)
	if len(stored) != 3 || stored[0].Description != "blocked" || stored[0].TargetURL != "https://x.example/1" || stored[0].Creator != "github-actions[bot]" {
		t.Errorf("stored = %+v", stored)
	}
	if st, ok := s.LatestStatus("acme/shop", sha1, "planetscale/app"); !ok || st.State != "success" {
		t.Errorf("LatestStatus = %+v, %v; want success", st, ok)
	}

	var combined struct {
		State      string `json:"state"`
		TotalCount int    `json:"total_count"`
		Statuses   []struct {
			State, Context string
			Description    *string `json:"description"`
		} `json:"statuses"`
	}
	call(t, http.MethodGet, base+"/repos/acme/shop/commits/"+sha1+"/status", "Bearer "+token, "").json(t, &combined)
	if combined.State != "success" || combined.TotalCount != 2 || len(combined.Statuses) != 2 ||
		combined.Statuses[0].Context != "planetscale/app" || combined.Statuses[0].Description != nil {
		t.Errorf("combined = %+v", combined)
	}
	var listed []struct{ State, Context string }
	call(t, http.MethodGet, base+"/repos/acme/shop/commits/"+sha1+"/statuses", "Bearer "+token, "").json(t, &listed)
	if len(listed) != 3 || listed[0].Context != "planetscale/app" || listed[0].State != "success" || listed[2].State != "failure" {
		t.Errorf("listed = %+v, want newest first", listed)
	}
}

// TestServer_comments creates, lists and edits comments as GitHub does.
func TestServer_comments(t *testing.T) {
	t.Parallel()
	s, base := newServer(t)
	comments := base + "/repos/acme/shop/issues/3/comments"
	a := call(t, http.MethodPost, comments, "Bearer "+token, `{"body":"first"}`)
	want(t, a, http.StatusCreated)
	var created struct {
		ID      int64  `json:"id"`
		HTMLURL string `json:"html_url"`
		User    struct{ Login string }
	}
	a.json(t, &created)
	if created.User.Login != "github-actions[bot]" || !strings.HasSuffix(created.HTMLURL, fmt.Sprintf("/acme/shop/pull/3#issuecomment-%d", created.ID)) {
		t.Errorf("created = %+v", created)
	}
	edit := fmt.Sprintf("%s/repos/acme/shop/issues/comments/%d", base, created.ID)
	for _, tc := range []struct {
		method, url, auth, body string
		status                  int
	}{
		{http.MethodPatch, edit, "Bearer " + token, `{"body":"edited"}`, http.StatusOK},
		{http.MethodPatch, edit, "Bearer " + token, `{}`, http.StatusUnprocessableEntity},
		{http.MethodPatch, edit, "Bearer " + readOnly, `{"body":"x"}`, http.StatusForbidden},
		{http.MethodPatch, base + "/repos/acme/shop/issues/comments/999", "Bearer " + token, `{"body":"x"}`, http.StatusNotFound},
		{http.MethodPost, comments, "Bearer " + token, `{"body":"` + strings.Repeat("x", 65537) + `"}`, http.StatusUnprocessableEntity},
		{http.MethodPost, comments, "Bearer " + token, `{"body":"  "}`, http.StatusUnprocessableEntity},
		{http.MethodPost, comments, "Bearer " + readOnly, `{"body":"x"}`, http.StatusForbidden},
		{http.MethodPost, base + "/repos/acme/shop/issues/99/comments", "Bearer " + token, `{"body":"x"}`, http.StatusNotFound},
		{http.MethodGet, comments, "Bearer " + readOnly, "", http.StatusOK},
	} {
		want(t, call(t, tc.method, tc.url, tc.auth, tc.body), tc.status)
	}
	if got := s.Comments("acme/shop", 3); len(got) != 1 || got[0].Body != "edited" || got[0].ID != created.ID {
		t.Errorf("comments = %+v, want the one edited", got)
	}
	id := s.AddComment("acme/shop", 3, "octocat", "second")
	var listed []struct {
		ID   int64 `json:"id"`
		Body string
	}
	call(t, http.MethodGet, comments, "Bearer "+token, "").json(t, &listed)
	if len(listed) != 2 || listed[1].ID != id || listed[1].Body != "second" {
		t.Errorf("listed = %+v, want oldest first", listed)
	}
}

// TestServer_Listen serves on loopback under the prefix until ctx ends.
func TestServer_Listen(t *testing.T) {
	t.Parallel()
	s := ghsandbox.New(ghsandbox.WithPrefix("api/v3"), ghsandbox.WithToken(ghsandbox.Token{Value: token}), ghsandbox.WithRepo("acme/shop"))
	ctx, cancel := context.WithCancel(t.Context())
	base, err := s.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/api/v3") {
		t.Errorf("base = %q", base)
	}
	want(t, call(t, http.MethodGet, base+"/repos/acme/shop/pulls", "Bearer "+token, ""), http.StatusOK)
	cancel()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/repos/acme/shop/pulls", nil)
	for range 500 { // the server closes in the background: poll until a request fails
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		res.Body.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("the sandbox still answers after ctx ended")
}

// TestServer_viewer answers GraphQL's viewer { login } for every kind of
// token, as GitHub does: GITHUB_TOKEN's github-actions[bot] (the default),
// a GitHub App's "<slug>[bot]", a personal access token's user. GET /user
// is not served, so that a gate calling it fails.
func TestServer_viewer(t *testing.T) {
	t.Parallel()
	const (
		app = "ghs_AppInstall0123456789"
		pat = "ghp_Personal0123456789"
	)
	_, base := newServer(t, ghsandbox.WithToken(ghsandbox.Token{Value: app, Login: "my-app[bot]"}),
		ghsandbox.WithToken(ghsandbox.Token{Value: pat, Login: "release-captain"}))
	graphqlURL := strings.TrimSuffix(base, "/v3") + "/graphql"
	for _, tc := range []struct {
		token, login string
	}{
		{token, "github-actions[bot]"},
		{app, "my-app[bot]"},
		{pat, "release-captain"},
	} {
		a := call(t, http.MethodPost, graphqlURL, "Bearer "+tc.token, `{"query":"query{viewer{login}}"}`)
		want(t, a, http.StatusOK)
		var got struct {
			Data struct {
				Viewer struct{ Login string }
			}
			Errors []any
		}
		a.json(t, &got)
		if got.Data.Viewer.Login != tc.login || got.Errors != nil {
			t.Errorf("viewer for %s = %s, want login %q", tc.token[:4], a.body, tc.login)
		}
		want(t, call(t, http.MethodGet, base+"/user", "Bearer "+tc.token, ""), http.StatusNotFound)
	}
	// A field GitHub's User has but the subset does not serve is refused.
	a := call(t, http.MethodPost, graphqlURL, "Bearer "+token, `{"query":"query{viewer{login name}}"}`)
	if !strings.Contains(a.body, `"errors"`) || strings.Contains(a.body, `"data"`) {
		t.Errorf("viewer { name } = %s, want only errors", a.body)
	}
}

// TestServer_getPull serves one pull request as GitHub's GET does: its
// state, "merged" and merged_at, for an open, a closed and a merged one;
// the closed and merged ones are left out of the open list.
func TestServer_getPull(t *testing.T) {
	t.Parallel()
	s, base := newServer(t)
	s.AddPull("acme/shop", ghsandbox.PullRequest{Number: 20, HeadRef: "gone", HeadSHA: sha1, Closed: true})
	s.AddPull("acme/shop", ghsandbox.PullRequest{Number: 21, HeadRef: "done", HeadSHA: sha1, Merged: true})
	for _, tc := range []struct {
		n       int
		state   string
		merged  bool
		hasTime bool
	}{{1, "open", false, false}, {20, "closed", false, false}, {21, "closed", true, true}} {
		a := call(t, http.MethodGet, base+"/repos/acme/shop/pulls/"+strconv.Itoa(tc.n), "Bearer "+token, "")
		want(t, a, http.StatusOK)
		var got struct {
			State    string  `json:"state"`
			Merged   *bool   `json:"merged"`
			MergedAt *string `json:"merged_at"`
		}
		a.json(t, &got)
		if got.State != tc.state || got.Merged == nil || *got.Merged != tc.merged || (got.MergedAt != nil) != tc.hasTime {
			t.Errorf("#%d = %s, want state %s, merged %v", tc.n, a.body, tc.state, tc.merged)
		}
	}
	a := call(t, http.MethodGet, base+"/repos/acme/shop/pulls?state=open&per_page=100", "Bearer "+token, "")
	if strings.Contains(a.body, `"number":20,`) || strings.Contains(a.body, `"number":21,`) || strings.Contains(a.body, `"merged":`) {
		t.Errorf("the open list holds a closed or merged pull request, or a merged field: %s", a.body)
	}
}
