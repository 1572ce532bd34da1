package ghreport_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

func TestGraphQLURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ api, gql, want string }{
		{"", "", "https://api.github.com/graphql"},
		{"https://api.github.com", "", "https://api.github.com/graphql"},
		{"https://ghes.example/api/v3", "", "https://ghes.example/api/graphql"},
		{"https://ghes.example/api/v3/", "", "https://ghes.example/api/graphql"},
		{"http://127.0.0.1:8080/prefix", "", "http://127.0.0.1:8080/prefix/graphql"},
		{"https://ghes.example/api/v3", "https://ghes.example/api/graphql", "https://ghes.example/api/graphql"},
	} {
		u, err := ghreport.GraphQLURL(c.api, c.gql)
		if err != nil || u.String() != c.want {
			t.Errorf("GraphQLURL(%q, %q) = %v, %v; want %s", c.api, c.gql, u, err, c.want)
		}
	}
	if _, err := ghreport.GraphQLURL("https://api.github.com", "http://evil.example/graphql"); err == nil || !strings.Contains(err.Error(), "GITHUB_GRAPHQL_URL") {
		t.Errorf("plain http GraphQL URL to a remote host: err = %v, want a GITHUB_GRAPHQL_URL error", err)
	}
}

// seedPulls adds n open pull requests #1..#n, each on branch b<N> with head sha(N).
func seedPulls(s *ghsandbox.Server, n int) {
	for i := 1; i <= n; i++ {
		s.AddPull(full, ghsandbox.PullRequest{Number: i, HeadRef: "b" + strconv.Itoa(i), HeadSHA: sha(i)})
	}
}

func TestOpenPulls_PagesWithStatuses(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", "/api/v3"} {
		s, url := newSandbox(t, prefix)
		seedPulls(s, 250)
		s.AddPull(full, ghsandbox.PullRequest{Number: 251, HeadRef: "fork", HeadSHA: sha(251), Fork: true})
		s.AddStatus(full, sha(7), ghsandbox.Status{State: "failure", Context: "planetscale/shop", Description: "1 deploy request needs approval: #5", TargetURL: "https://x.example/5"})
		s.AddStatus(full, sha(7), ghsandbox.Status{State: "success", Context: "other"})
		c := newClient(t, url)
		pulls, err := c.OpenPulls(testContext(t), owner, repo, "planetscale/shop")
		if err != nil {
			t.Fatalf("%q: OpenPulls: %v", prefix, err)
		}
		if len(pulls) != 251 || c.Requests() != 3 {
			t.Fatalf("%q: %d pull requests in %d requests, want 251 in 3", prefix, len(pulls), c.Requests())
		}
		for _, p := range pulls {
			if !p.StatusRead {
				t.Errorf("#%d: status not read", p.Number)
			}
			want := p.Number == 7
			if p.HasStatus != want {
				t.Errorf("#%d: HasStatus = %v, want %v", p.Number, p.HasStatus, want)
			}
			if p.Fork != (p.Number == 251) {
				t.Errorf("#%d: Fork = %v", p.Number, p.Fork)
			}
		}
		if got := pulls[6].Status; got.State != ghreport.StateFailure || got.Description != "1 deploy request needs approval: #5" || got.TargetURL != "https://x.example/5" {
			t.Errorf("#7 status = %+v", got)
		}
		for _, r := range s.Requests() {
			if r.Endpoint != ghsandbox.GraphQL || !strings.HasSuffix(r.Path, strings.TrimSuffix(prefix, "/v3")+"/graphql") {
				t.Errorf("%q: request %s %s, want the GraphQL endpoint", prefix, r.Method, r.Path)
			}
		}
		if b := c.Budget().GraphQL; !b.Known || b.Remaining != ghsandbox.DefaultGraphQLLimit-3 {
			t.Errorf("GraphQL budget = %+v, want %d left", b, ghsandbox.DefaultGraphQLLimit-3)
		}
	}
}

// TestOpenPulls_ListChangesBetweenPages closes a pull request already read
// and opens one while the list is read: no other is skipped.
func TestOpenPulls_ListChangesBetweenPages(t *testing.T) {
	t.Parallel()
	s, url := newSandbox(t, "")
	seedPulls(s, 250)
	s.BeforeGraphQL(func(n int) {
		if n == 2 {
			s.AddPull(full, ghsandbox.PullRequest{Number: 50, HeadRef: "b50", HeadSHA: sha(50), Closed: true})
			s.AddPull(full, ghsandbox.PullRequest{Number: 251, HeadRef: "new", HeadSHA: sha(251)})
		}
	})
	pulls, err := newClient(t, url).OpenPulls(testContext(t), owner, repo, "ctx")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range pulls {
		seen[p.Number] = true
	}
	for i := 1; i <= 251; i++ {
		if !seen[i] && i != 50 {
			t.Errorf("#%d skipped", i)
		}
	}
}

func TestOpenPulls_Failures(t *testing.T) {
	t.Parallel()
	t.Run("retries a secondary rate limit and a 502", func(t *testing.T) {
		t.Parallel()
		s, url := newSandbox(t, "")
		seedPulls(s, 150)
		s.Inject(ghsandbox.SecondaryRateLimit("0").On(ghsandbox.GraphQL).AtPage(2), ghsandbox.BadGateway.On(ghsandbox.GraphQL).AtPage(3))
		c := newClient(t, url)
		pulls, err := c.OpenPulls(testContext(t), owner, repo, "ctx")
		if err != nil || len(pulls) != 150 || c.Requests() != 4 {
			t.Fatalf("pulls %d, requests %d, err %v; want 150 in 4", len(pulls), c.Requests(), err)
		}
	})
	t.Run("a repository the token cannot see", func(t *testing.T) {
		t.Parallel()
		_, url := newSandbox(t, "")
		_, err := newClient(t, url, withToken("ghp_OtherRepoOnly0123456789")).OpenPulls(testContext(t), owner, repo, "ctx")
		var pe *ghreport.PermissionError
		if !errors.As(err, &pe) || pe.Status != http.StatusNotFound || !strings.Contains(err.Error(), "Could not resolve to a Repository") {
			t.Fatalf("err = %v, want a 404 PermissionError", err)
		}
		if strings.Contains(err.Error(), "ghp_OtherRepoOnly") {
			t.Errorf("the token shows in %v", err)
		}
	})
	t.Run("budget used up", func(t *testing.T) {
		t.Parallel()
		s, url := newSandbox(t, "", ghsandbox.WithGraphQLLimit(1))
		seedPulls(s, 150)
		_, err := newClient(t, url).OpenPulls(testContext(t), owner, repo, "ctx")
		if err == nil || !strings.Contains(err.Error(), "GraphQL budget is used up") {
			t.Fatalf("err = %v, want the budget's error", err)
		}
	})
	t.Run("a cut answer is retried, a 401 is not", func(t *testing.T) {
		t.Parallel()
		s, url := newSandbox(t, "")
		seedPulls(s, 3)
		s.Inject(ghsandbox.Disconnect.On(ghsandbox.GraphQL))
		if _, err := newClient(t, url).OpenPulls(testContext(t), owner, repo, "ctx"); err != nil {
			t.Fatalf("after one cut connection: %v", err)
		}
		_, err := newClient(t, url, withToken("ghs_wrong0123456789")).OpenPulls(testContext(t), owner, repo, "ctx")
		if !errors.Is(err, ghreport.ErrBadCredentials) {
			t.Fatalf("err = %v, want ErrBadCredentials", err)
		}
	})
}

// TestOpenPulls_budgetFromHeaders: when every query fails, the budget the
// run reports still comes from the GraphQL answers' rate-limit headers.
func TestOpenPulls_budgetFromHeaders(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Resource", "graphql")
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4321")
		w.Header().Set("X-RateLimit-Reset", "1893456000")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":null,"errors":[{"type":"NOT_FOUND","message":"Could not resolve to a Repository with the name 'acme/shop-app'."}]}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	if _, err := c.OpenPulls(testContext(t), owner, repo, "ctx"); err == nil {
		t.Fatal("OpenPulls passed on an answer with errors only")
	}
	b := c.Budget().GraphQL
	if !b.Known || b.Limit != 5000 || b.Remaining != 4321 || !b.Reset.Equal(time.Unix(1893456000, 0)) {
		t.Errorf("GraphQL budget = %+v, want 4321 of 5000 from the headers", b)
	}
}

// TestOpenPulls_fields reads 250 open pull requests in three queries of
// 100, each with its head branch and commit, fork (a deleted head
// repository counts as one), draft and page, and leaves the closed ones
// out.
func TestOpenPulls_fields(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "/api/v3")
	for n := 1; n <= 260; n++ {
		s.AddPull(full, ghsandbox.PullRequest{Number: n, HeadRef: fmt.Sprintf("feature/%d", n), HeadSHA: sha(n),
			Fork: n%50 == 0, HeadRepoDeleted: n == 77, Draft: n == 5, Closed: n > 250})
	}
	c := newClient(t, base)
	got, err := c.OpenPulls(testContext(t), owner, repo, "ctx")
	if err != nil {
		t.Fatalf("OpenPulls: %v", err)
	}
	if len(got) != 250 {
		t.Fatalf("got %d pull requests, want 250", len(got))
	}
	if r := countRequests(s, ghsandbox.GraphQL); r != 3 {
		t.Errorf("queries = %d, want 3", r)
	}
	byNumber := map[int]ghreport.OpenPull{}
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
			!pr.Open() || !strings.HasSuffix(pr.URL, fmt.Sprintf("/acme/shop/pull/%d", tc.number)) {
			t.Errorf("#%d = %+v, want fork %v draft %v", tc.number, pr, tc.fork, tc.draft)
		}
	}
}

// TestOpenPulls_empty lists a repository without pull requests.
func TestOpenPulls_empty(t *testing.T) {
	t.Parallel()
	_, base := newSandbox(t, "")
	got, err := newClient(t, base).OpenPulls(testContext(t), owner, repo, "ctx")
	if err != nil || len(got) != 0 {
		t.Errorf("OpenPulls = %v, %v; want none", got, err)
	}
}

// pullsAnswer is a GraphQL answer of one query of OpenPulls: nodes, then
// a next page after cursor next ("" for none).
func pullsAnswer(next string, nodes ...string) string {
	pageInfo := `{"hasNextPage":false,"endCursor":null}`
	if next != "" {
		pageInfo = fmt.Sprintf(`{"hasNextPage":true,"endCursor":%q}`, next)
	}
	return fmt.Sprintf(`{"data":{"rateLimit":{"cost":1,"limit":5000,"remaining":4999,"resetAt":"2030-01-01T00:00:00Z"},`+
		`"repository":{"pullRequests":{"totalCount":%d,"pageInfo":%s,"nodes":[%s]}}}}`, len(nodes), pageInfo, strings.Join(nodes, ","))
}

// pullAnswer is pull request n with head SHA headSHA in a pullsAnswer.
func pullAnswer(n int, headSHA string) string {
	return fmt.Sprintf(`{"number":%d,"headRefName":"f%d","headRefOid":%q,"isCrossRepository":false,"isDraft":false,`+
		`"url":"https://github.com/acme/shop/pull/%d","commits":{"nodes":[]}}`, n, n, headSHA, n)
}

// TestOpenPulls_failClosed refuses lists it cannot trust, without asking
// again for an answer that does not add up.
func TestOpenPulls_failClosed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		queries []string // the answer to each query, from the first
		want    string
		is      error
	}{
		{name: "no_head_sha", queries: []string{pullsAnswer("", pullAnswer(1, ""))}, want: "#1 has no head branch or head SHA",
			is: ghreport.ErrUnexpectedResponse},
		{name: "listed_twice", queries: []string{pullsAnswer("c1", pullAnswer(1, sha(1))), pullsAnswer("", pullAnswer(1, sha(1)))},
			want: "#1 is listed twice", is: ghreport.ErrUnexpectedResponse},
		{name: "cursor_does_not_move", queries: []string{pullsAnswer("c1", pullAnswer(1, sha(1))), pullsAnswer("c1", pullAnswer(2, sha(2)))},
			want: "query 2 says more follow but gives no new cursor", is: ghreport.ErrUnexpectedResponse},
		{name: "wrong_shape", queries: []string{`{"data":{"repository":{"pullRequests":{"nodes":{"number":1}}}}}`}, want: "unexpected answer",
			is: ghreport.ErrUnexpectedResponse},
		{name: "too_many_pages", queries: []string{pullsAnswer("c1", pullAnswer(1, sha(1))), pullsAnswer("c2", pullAnswer(2, sha(2))),
			pullsAnswer("c3", pullAnswer(3, sha(3)))}, want: "more than 3 pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			for i, body := range tc.queries {
				// The same answer however often the query is made.
				s.Inject(ghsandbox.Fault{Status: http.StatusOK, Body: body}.On(ghsandbox.GraphQL).AtPage(i + 1).Times(100))
			}
			c := newClient(t, base, func(cfg *ghreport.Config) { cfg.MaxPages = 3 })
			got, err := c.OpenPulls(testContext(t), owner, repo, "ctx")
			if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
				t.Fatalf("OpenPulls = %v, %v; want no list and an error containing %q", got, err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if n := c.Requests(); n > len(tc.queries) {
				t.Errorf("%d requests for %d queries: an answer that does not add up was asked for again", n, len(tc.queries))
			}
		})
	}
}
