package planetscale_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// pagedAPI serves acme/shop's open deploy requests from pages rendered
// once by the sandbox (so each item is what the real API sends), and the
// database, each answer after latency. It counts the requests, the most
// it held at once and the bytes it sent. hold, when set, runs before each
// answer: a test's way to hold requests back or fail them.
type pagedAPI struct {
	pages   [][]byte // page n is pages[n-1]
	db      []byte
	latency time.Duration
	hold    func(w http.ResponseWriter, r *http.Request, page int) (answered bool)

	requests, inFlight, maxInFlight, bytes atomic.Int64
}

// renderedLists caches the pages of n open requests: rendering 10,000
// takes a while.
var renderedLists sync.Map // int → *pagedAPI (pages and db only)

// newPagedAPI serves n open deploy requests numbered n down to 1, a
// hundred a page, after latency.
func newPagedAPI(tb testing.TB, n int, latency time.Duration) (*pagedAPI, string) {
	tb.Helper()
	cached, ok := renderedLists.Load(n)
	if !ok {
		cached, _ = renderedLists.LoadOrStore(n, renderList(tb, n))
	}
	api := &pagedAPI{pages: cached.(*pagedAPI).pages, db: cached.(*pagedAPI).db, latency: latency}
	srv := httptest.NewServer(api)
	tb.Cleanup(srv.Close)
	return api, srv.URL
}

// renderList has the sandbox render every page of n open requests.
func renderList(tb testing.TB, n int) *pagedAPI {
	tb.Helper()
	db := sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: true, DeployRequests: openDRs(n, n)}
	sb := sandbox.New(sandbox.WithDatabase(db), sandbox.WithToken(testToken))
	get := func(target string) []byte {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header.Set("Authorization", testID+":"+testSecret)
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			tb.Fatalf("sandbox answered %s with %d: %s", target, w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	out := &pagedAPI{db: get("/v1/organizations/" + testOrg + "/databases/" + testDB)}
	for p := 1; p == 1 || (p-1)*planetscale.PerPage < n; p++ {
		out.pages = append(out.pages, get(fmt.Sprintf("%s?state=open&per_page=%d&page=%d", listPath, planetscale.PerPage, p)))
	}
	return out
}

func (a *pagedAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.requests.Add(1)
	now := a.inFlight.Add(1)
	defer a.inFlight.Add(-1)
	for most := a.maxInFlight.Load(); now > most && !a.maxInFlight.CompareAndSwap(most, now); most = a.maxInFlight.Load() {
	}
	if a.latency > 0 {
		time.Sleep(a.latency)
	}
	page := pageOf(r)
	if a.hold != nil && a.hold(w, r, page) {
		return
	}
	body := a.db
	if strings.HasSuffix(r.URL.Path, "/deploy-requests") {
		if page < 1 || page > len(a.pages) {
			http.Error(w, `{"code":"not_found","message":"Not Found"}`, http.StatusNotFound)
			return
		}
		body = a.pages[page-1]
	}
	w.Header().Set("Content-Type", "application/json")
	n, _ := w.Write(body)
	a.bytes.Add(int64(n))
}

// pagedClient returns a client for baseURL with testCreds that fetches up
// to pages pages at once; opts come last.
func pagedClient(tb testing.TB, baseURL string, pages int, opts ...planetscale.Option) *planetscale.Client {
	tb.Helper()
	all := append([]planetscale.Option{
		planetscale.WithBaseURL(baseURL),
		planetscale.WithCredentials(testCreds),
		planetscale.WithRetryPolicy(fastPolicy()),
		planetscale.WithPageConcurrency(pages),
	}, opts...)
	c, err := planetscale.NewClient(all...)
	if err != nil {
		tb.Fatalf("NewClient() error = %v", err)
	}
	return c
}

// servePages serves page(p) for every request for page p, on an httptest
// server that records the requests.
func servePages(t *testing.T, page func(p int) any) (*recorder, string) {
	t.Helper()
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, http.StatusOK, page(pageOf(r)))
	})
}

// listOpen lists acme/shop's open deploy requests with c; an error fails
// the test.
func listOpen(t *testing.T, ctx context.Context, c *planetscale.Client) []planetscale.DeployRequest {
	t.Helper()
	got, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	return got
}

// pages returns the page each request asked for, in order, as "1,2,1,2".
func (r *recorder) pages() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := make([]string, len(r.requests))
	for i, req := range r.requests {
		s[i] = req.URL.Query().Get("page")
	}
	return strings.Join(s, ",")
}

// pageOf is the page a request asks for (0 when none or not a number).
func pageOf(r *http.Request) int {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return p
}
