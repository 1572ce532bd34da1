package action

import (
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// BenchmarkSync runs sync mode over 10, 300 and 1,000 open pull requests,
// 20 (or all 10) of them on branches with deploy requests, against the
// PlanetScale and GitHub sandboxes. Each iteration is a run where nothing
// changed; it reports the GitHub requests and writes of such a run, and of
// the first run (which sets every status), per op. Figures: docs/benchmarks.md.
func BenchmarkSync(b *testing.B) {
	for _, pulls := range []int{10, 300, 1000} {
		b.Run(fmt.Sprintf("pulls=%d", pulls), func(b *testing.B) {
			withDRs := min(pulls, 20)
			var drs []sandbox.DeployRequest
			for i := 1; i <= withDRs; i++ {
				drs = append(drs, sandboxDR(i, "ready", i%2 == 1))
			}
			ps := httptest.NewServer(sandbox.New(sandbox.WithDatabase(shopDB(drs...)), sandbox.WithToken(testToken)))
			defer ps.Close()
			gh := ghsandbox.New(ghsandbox.WithRepo("acme/shop-app"), ghsandbox.WithToken(ghsandbox.Token{Value: "ghs_BenchToken0123456789"}))
			for i := 1; i <= pulls; i++ {
				branch := fmt.Sprintf("topic-%d", i)
				if i <= withDRs {
					branch = fmt.Sprintf("feature-%d", i)
				}
				gh.AddPull("acme/shop-app", ghsandbox.PullRequest{Number: i, HeadRef: branch, HeadSHA: fmt.Sprintf("%040x", i)})
			}
			ghSrv := httptest.NewServer(gh)
			defer ghSrv.Close()
			dir := b.TempDir()
			vars := gateInputs(ps.URL)
			for k, v := range map[string]string{
				"INPUT_GITHUB-TOKEN": "ghs_BenchToken0123456789", "INPUT_MODE": "sync", "INPUT_COMMENT": "never",
				"GITHUB_API_URL": ghSrv.URL, "GITHUB_REPOSITORY": "acme/shop-app", "GITHUB_SERVER_URL": "https://github.com",
				"GITHUB_RUN_ID": "1", "GITHUB_OUTPUT": filepath.Join(dir, "out"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
			} {
				vars[k] = v
			}
			run := func() (requests, writes int) {
				before := len(gh.Requests())
				res := Run(b.Context(), Options{Getenv: func(k string) string { return vars[k] }, Stdout: io.Discard,
					RetryPolicy: &fastRetry, Now: time.Now, UserAgent: "bench"})
				if res != ResultPass {
					b.Fatalf("sync: %s", res)
				}
				_ = os.Truncate(vars["GITHUB_STEP_SUMMARY"], 0)
				for _, r := range gh.Requests()[before:] {
					requests++
					if r.Method != "GET" && r.Endpoint != ghsandbox.GraphQL {
						writes++
					}
				}
				return requests, writes
			}
			firstRequests, firstWrites := run()
			b.ResetTimer()
			var requests, writes int
			for b.Loop() {
				requests, writes = run()
			}
			b.ReportMetric(float64(requests), "github-requests/op")
			b.ReportMetric(float64(writes), "writes/op")
			b.ReportMetric(float64(firstRequests), "first-run-requests")
			b.ReportMetric(float64(firstWrites), "first-run-writes")
		})
	}
}
