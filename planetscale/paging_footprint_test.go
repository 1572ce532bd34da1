package planetscale_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// The environment that makes TestHelperGateProcess a gate run.
const (
	footprintAPI   = "PLANETSCALE_FOOTPRINT_API"
	footprintOpen  = "PLANETSCALE_FOOTPRINT_OPEN"
	footprintPages = "PLANETSCALE_FOOTPRINT_PAGES"
)

// TestHelperGateProcess is not a test of its own: BenchmarkProcessFootprint
// runs this test binary as a child process that does only this, one gate
// run (a consistent read of the open requests, the database settings, the
// verdict), then prints the process's peak RSS. Without the environment it
// has nothing to do.
func TestHelperGateProcess(t *testing.T) {
	url := os.Getenv(footprintAPI)
	if url == "" {
		t.Skip("the child process of BenchmarkProcessFootprint")
	}
	open, _ := strconv.Atoi(os.Getenv(footprintOpen))
	pages, _ := strconv.Atoi(os.Getenv(footprintPages))
	c := pagedClient(t, url, pages, planetscale.WithRetryPolicy(planetscale.DefaultRetryPolicy))
	v, err := check.Check(t.Context(), c, check.Config{Organization: testOrg, Database: testDB, FailOn: check.FailOnUnapproved})
	if err != nil {
		t.Fatal(err)
	}
	if v.Listed != open || v.ApprovalRequired == nil {
		t.Fatalf("verdict listed %d requests (settings %v), want %d and the settings", v.Listed, v.SettingsErr, open)
	}
	// The kernel's own peak: rusage's ru_maxrss of a child counts the
	// parent's memory, which the child shared until exec.
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Print(line)
		}
	}
}

// BenchmarkProcessFootprint runs one gate run over 10,000 open requests in
// a child process (TestHelperGateProcess) against a local API with no
// latency, and reports the child's peak RSS (VmHWM) and CPU time (user
// and system): the whole process, start-up included. A run over 10
// requests shows what the process costs before any list. Linux only.
func BenchmarkProcessFootprint(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc/self/status (Linux)")
	}
	for _, run := range []struct {
		open  int
		name  string
		pages int
	}{{10, "concurrent", planetscale.MaxPageConcurrency}, {10000, "sequential", 1}, {10000, "concurrent", planetscale.MaxPageConcurrency}} {
		b.Run(fmt.Sprintf("open=%d/%s", run.open, run.name), func(b *testing.B) {
			_, url := newPagedAPI(b, run.open, 0)
			var cpu time.Duration
			var peak int64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestHelperGateProcess$", "-test.count=1", "-test.v=false")
				cmd.Env = append(os.Environ(), footprintAPI+"="+url, footprintOpen+"="+strconv.Itoa(run.open), footprintPages+"="+strconv.Itoa(run.pages))
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("child process: %v\n%s", err, out)
				}
				peak = max(peak, peakRSS(b, out))
				usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
				cpu += time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "CPU-ms/op")
		})
	}
}

// BenchmarkBinaryFootprint runs the gate's binary ("check shop", as
// built: pages one after another unless its client is told otherwise)
// over 10 and 10,000 open requests under /usr/bin/time, and reports its
// peak RSS and CPU time (user and system, to 10 ms) as time measures them:
// the shipped process, the table it prints included.
func BenchmarkBinaryFootprint(b *testing.B) {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		b.Skip("needs GNU time at /usr/bin/time")
	}
	bin := buildGate(b)
	for _, open := range []int{10, 10000} {
		b.Run(fmt.Sprintf("open=%d", open), func(b *testing.B) {
			_, url := newPagedAPI(b, open, 0)
			var cpu float64
			var peak int64
			for b.Loop() {
				// time writes its figures last, after the gate's output.
				out, err := runGate(b, exec.Command("/usr/bin/time", "-f", "footprint %M %U %S", bin, "check", testDB), url)
				if err != nil {
					b.Fatalf("%s: %v\n%s", bin, err, out)
				}
				var kib int64
				var user, sys float64
				if _, err := fmt.Sscanf(out[strings.LastIndex(out, "footprint "):], "footprint %d %g %g", &kib, &user, &sys); err != nil {
					b.Fatalf("no figures from time: %v\n%s", err, out)
				}
				peak, cpu = max(peak, kib), cpu+user+sys
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
			b.ReportMetric(cpu*1000/float64(b.N), "CPU-ms/op")
		})
	}
}

// peakRSS reads the "VmHWM: N kB" line the child printed.
func peakRSS(b *testing.B, out []byte) int64 {
	b.Helper()
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				b.Fatalf("child's VmHWM line %q: %v", sc.Text(), err)
			}
			return kib
		}
	}
	b.Fatalf("child printed no VmHWM line:\n%s", out)
	return 0
}
