package planetscale_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// benchMode is one way of reading the list in BenchmarkCheck.
type benchMode struct {
	name string
	// pages is the client's page concurrency.
	pages int
	// once reads the list once, one page after another, and decides
	// (the baseline); otherwise check.Check reads it consistently.
	once bool
}

var benchModes = []benchMode{
	{name: "one_walk", pages: 1, once: true},
	{name: "sequential", pages: 1},
	{name: "concurrent", pages: planetscale.MaxPageConcurrency},
}

// BenchmarkCheck lists the open deploy requests of a database and decides,
// as one gate run does, against a local API that answers after a latency:
// one sequential walk of the list (the baseline), the consistent read one
// page after another, and the consistent read fetching pages at once. The
// client has the default rate budget. Metrics: requests, the most requests
// the server held at once, bytes it sent, and allocations per request
// (the in-process server's included). The sequential consistent read of
// 10,000 at 50 ms is left out: it is two one_walks, 10 s, too long to run
// once in .ci/run.
func BenchmarkCheck(b *testing.B) {
	cfg := check.Config{Organization: testOrg, Database: testDB, FailOn: check.FailOnUnapproved}
	for _, n := range []int{10, 1000, 10000} {
		for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
			for _, mode := range benchModes {
				if n == 10000 && latency > 0 && mode.name == "sequential" {
					continue
				}
				b.Run(fmt.Sprintf("open=%d/latency=%s/%s", n, latency, mode.name), func(b *testing.B) {
					api, url := newPagedAPI(b, n, latency)
					b.ReportAllocs()
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					for b.Loop() {
						c := pagedClient(b, url, mode.pages, planetscale.WithRetryPolicy(planetscale.DefaultRetryPolicy))
						if err := benchDecide(b, c, cfg, mode.once, n); err != nil {
							b.Fatal(err)
						}
					}
					runtime.ReadMemStats(&after)
					requests := float64(api.requests.Load())
					b.ReportMetric(requests/float64(b.N), "requests/op")
					b.ReportMetric(float64(api.maxInFlight.Load()), "max-in-flight")
					b.ReportMetric(float64(api.bytes.Load())/float64(b.N), "resp-bytes/op")
					b.ReportMetric(float64(after.Mallocs-before.Mallocs)/requests, "allocs/request")
				})
			}
		}
	}
}

// benchDecide reads the list and decides; the verdict must hold all n.
func benchDecide(b *testing.B, c *planetscale.Client, cfg check.Config, once bool, n int) error {
	var v check.Verdict
	if once {
		drs, err := planetscale.ReadOpenOnce(b.Context(), c, cfg.Organization, cfg.Database)
		if err != nil {
			return err
		}
		gate := make([]check.DeployRequest, len(drs))
		for i, dr := range drs {
			gate[i] = dr.Gate()
		}
		v = check.Evaluate(gate, cfg.Filter, cfg.FailOn)
	} else {
		var err error
		if v, err = check.Check(b.Context(), c, cfg); err != nil {
			return err
		}
		if v.ApprovalRequired == nil {
			return fmt.Errorf("no database settings: %v", v.SettingsErr)
		}
	}
	if v.Listed != n {
		return fmt.Errorf("verdict listed %d requests, want %d", v.Listed, n)
	}
	return nil
}

// BenchmarkDecodePage decodes and checks one full page of the deploy
// request list (100 items of about 1.8 KiB, as the sandbox renders them):
// the strict decoding of its envelope and of every item, and the keys the
// walk compares, with no HTTP around it.
func BenchmarkDecodePage(b *testing.B) {
	page := renderList(b, planetscale.PerPage).pages[0]
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		drs, err := planetscale.CheckDeployRequestPage(1, page)
		if err != nil {
			b.Fatal(err)
		}
		if len(drs) != planetscale.PerPage {
			b.Fatalf("decoded %d items, want %d", len(drs), planetscale.PerPage)
		}
	}
}

// BenchmarkDecodeReviewPage decodes and checks one full page of a deploy
// request's reviews (100 reviews as the sandbox renders them), as the
// walk does with each page of the reviews list it reads, with no HTTP
// around it.
func BenchmarkDecodeReviewPage(b *testing.B) {
	page := renderReviewPage(b, planetscale.PerPage)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		reviews, err := planetscale.CheckReviewPage(1, page)
		if err != nil {
			b.Fatal(err)
		}
		if len(reviews) != planetscale.PerPage {
			b.Fatalf("decoded %d reviews, want %d", len(reviews), planetscale.PerPage)
		}
	}
}

// renderReviewPage returns the first page of the reviews of a deploy
// request with n reviews, as the sandbox sends it with per_page=n.
func renderReviewPage(tb testing.TB, n int) []byte {
	tb.Helper()
	dr := openDRs(7, 1)[0]
	for i := range n {
		dr.Reviews = append(dr.Reviews, sandbox.Review{State: []string{"commented", "approved"}[i%2], By: fmt.Sprintf("Reviewer %d", i), Body: fmt.Sprintf("Review note %d", i)})
	}
	db := sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: true, DeployRequests: []sandbox.DeployRequest{dr}}
	sb := sandbox.New(sandbox.WithDatabase(db), sandbox.WithToken(testToken))
	r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/organizations/%s/databases/%s/deploy-requests/7/reviews?per_page=%d&page=1", testOrg, testDB, n), nil)
	r.Header.Set("Authorization", testID+":"+testSecret)
	w := httptest.NewRecorder()
	sb.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		tb.Fatalf("sandbox answered the reviews with %d: %s", w.Code, w.Body)
	}
	return w.Body.Bytes()
}
