package planetscale_test

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkStartup builds the gate's binary (cmd/deploy-request-gate) and
// runs "check shop" against a local API nine times: each run's start-up is
// the time from just before the process is started to the first request's
// arrival at the API (process creation, the runtime, every package's init,
// the command line, the client). Reported: the median and the slowest, in
// milliseconds. A figure to read, not a test: nothing asserts it.
func BenchmarkStartup(b *testing.B) {
	bin := buildGate(b)
	api, url := newPagedAPI(b, 10, 0)
	var firstAt atomic.Int64 // unix nanoseconds of the run's first request
	api.hold = func(http.ResponseWriter, *http.Request, int) bool {
		firstAt.CompareAndSwap(0, time.Now().UnixNano())
		return false
	}
	const runs = 9
	var startups []time.Duration
	for b.Loop() {
		startups = startups[:0]
		for range runs {
			firstAt.Store(0)
			start := time.Now()
			if out, err := runGate(b, exec.Command(bin, "check", testDB), url); err != nil {
				b.Fatalf("%s check %s: %v\n%s", bin, testDB, err, out)
			}
			if firstAt.Load() == 0 {
				b.Fatal("the run made no request")
			}
			startups = append(startups, time.Unix(0, firstAt.Load()).Sub(start))
		}
	}
	slices.Sort(startups)
	b.ReportMetric(float64(startups[runs/2].Microseconds())/1000, "startup-median-ms")
	b.ReportMetric(float64(startups[runs-1].Microseconds())/1000, "startup-max-ms")
}

// buildGate builds cmd/deploy-request-gate into a temporary directory and
// returns the binary's path; without the go command the benchmark skips.
func buildGate(b *testing.B) string {
	b.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("needs the go command to build the binary")
	}
	bin := filepath.Join(b.TempDir(), "deploy-request-gate")
	if out, err := exec.Command(gobin, "build", "-o", bin, "../cmd/deploy-request-gate").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runGate runs cmd, a run of the gate's binary, against the API at url
// with the test token, outside a runner, and returns its output. Exit 1
// (a deploy request blocks) is no error.
func runGate(b *testing.B, cmd *exec.Cmd, url string) (string, error) {
	b.Helper()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir(), "PLANETSCALE_API_URL=" + url,
		"PLANETSCALE_SERVICE_TOKEN=" + testID + ":" + testSecret, "PLANETSCALE_ORG=" + testOrg}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		err = nil
	}
	return out.String(), err
}
