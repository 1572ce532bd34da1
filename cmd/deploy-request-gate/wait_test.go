package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// statusContext is the status the wait tests ask the gate to set.
const statusContext = "planetscale/shop"

// waitRun is a gate run in wait mode against a sandbox of 30 open requests
// on pages of 12 (so that a read of the list is 3 requests and, while reads
// agree, a check is 6) and a fake GitHub holding pull request #7.
type waitRun struct {
	ps *sandbox.Server
	gh *ghsandbox.Server
	in map[string]string
	// env is the runner's environment for a pull_request event.
	env []string
}

// newWaitRun serves openList(30, unapproved...) and asks the gate to wait
// up to waitFor (empty: check once), checking every 5 s (the least
// interval).
func newWaitRun(t *testing.T, waitFor string, unapproved ...int) *waitRun {
	t.Helper()
	ps, url := newAPI(t, true, openList(30, unapproved...), sandbox.WithMaxPerPage(12))
	payload := fmt.Sprintf(`{"action":"synchronize","number":7,"pull_request":{"number":7,"head":{"sha":%q,"ref":"feature"}}}`, e2eHead)
	gh, env := githubEnv(t, "pull_request", payload)
	in := baseInputs(url)
	in["github-token"] = e2eGitHubToken
	in["status-context"] = statusContext
	in["comment"] = "never"
	in["wait-timeout"] = waitFor
	in["wait-interval"] = "5s"
	return &waitRun{ps: ps, gh: gh, in: in, env: env}
}

// change lands change at the nth request for a page of the list.
func (w *waitRun) change(n int, change func(*sandbox.Server)) {
	w.ps.ChangeAt(sandbox.RouteDeployRequests, n, change)
}

// pages returns the number of list pages the gate asked for.
func (w *waitRun) pages(t *testing.T) int {
	return len(testkit.ListPages(t, w.ps.Requests(), testOrg, testDatabase))
}

// statuses returns the states of the statuses set on the pull request's
// head, in order, and the last one.
func (w *waitRun) statuses() (states []string, last ghsandbox.Status) {
	for _, st := range w.gh.Statuses(e2eRepo, e2eHead) {
		if st.Context == statusContext {
			states = append(states, st.State)
			last = st
		}
	}
	return states, last
}

// requireNotYetThenSuccess: the wait passed (exit 0) after exactly one
// not-yet line, holding want (what names it in the error), and its status
// went from pending to success.
func (w *waitRun) requireNotYetThenSuccess(t *testing.T, run gateRun, want, what string) {
	t.Helper()
	requireExit(t, run, 0)
	if lines := notYet(run); len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("not-yet lines = %q, want one for %s", lines, what)
	}
	w.requireStatuses(t, "pending", "success")
}

// requireStatuses checks the states set on the head, in order.
func (w *waitRun) requireStatuses(t *testing.T, want ...string) ghsandbox.Status {
	t.Helper()
	got, last := w.statuses()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("statuses on the head = %v, want %v", got, want)
	}
	return last
}

// notYet returns the log lines of checks that could not decide and left
// the wait going on.
func notYet(run gateRun) []string {
	var out []string
	for _, line := range testkit.Lines(run.stdout) {
		if strings.Contains(line, "not yet, the wait goes on") {
			out = append(out, line)
		}
	}
	return out
}

// approve approves #28, the unapproved request of page 1.
var approve = sandbox.ApproveDeployRequest(testOrg, testDatabase, 28)

// complete completes the deployment of number, which closes it: the later
// pages shift by one.
func complete(number int) func(*sandbox.Server) {
	return sandbox.MoveDeployment(testOrg, testDatabase, number, "complete")
}

// TestWait_ApprovalDuringARead: an approval (or a deployment moving on)
// that lands inside any read of a wait is what the wait waits for: the run
// passes, never "could not decide", and the pending status turns green.
func TestWait_ApprovalDuringARead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		waitFor string
		// changes land at the nth request for a page of the list.
		changes map[int]func(*sandbox.Server)
		// minPages is the least number of pages the gate must have read
		// (so the change did land inside a read).
		minPages int
	}{
		// Read 1 asks for page 1, then pages 2 and 3: #28 is read
		// unapproved, then approved by reads 2 and 3.
		{"inside_read_1", "1m", map[int]func(*sandbox.Server){2: approve}, 9},
		// Read 2 asks for its 3 pages at once: it sees the approval or
		// not, and the wait goes on until a check sees it.
		{"inside_read_2", "1m", map[int]func(*sandbox.Server){5: approve}, 9},
		// The wait has time for 2 checks (8 s, every 5 s); check 1 reads
		// the list twice (requests 1-6); the approval lands inside the
		// first read of check 2, the last.
		{"inside_the_last_check", "8s", map[int]func(*sandbox.Server){8: approve}, 15},
		// #30's deployment completes inside read 1 (the list shifts) and
		// #28 is approved inside read 2.
		{"two_changes_in_a_row", "1m", map[int]func(*sandbox.Server){2: complete(30), 5: approve}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWaitRun(t, tt.waitFor, 28)
			for n, c := range tt.changes {
				w.change(n, c)
			}
			run := runGate(t, w.in, w.env...)
			checkNoGitHubToken(t, run, w.gh, 7)
			if run.exitCode != 0 || run.outputs["result"] != "pass" {
				t.Fatalf("exit code = %d, result = %q; want 0, pass\n%s", run.exitCode, run.outputs["result"], run.stdout)
			}
			if got := w.pages(t); got < tt.minPages {
				t.Errorf("the gate read %d pages, want at least %d: the change did not land inside a read", got, tt.minPages)
			}
			if st := w.requireStatuses(t, "pending", "success"); st.Description == "" {
				t.Errorf("the success status has no description: %+v", st)
			}
		})
	}
}

// TestWait_NotYet: a check that could not decide for a transient reason is
// "not yet" (one log line, the status stays pending, the next check comes);
// the wait ends as error only when its last check could not decide, and at
// once for a permanent cause.
func TestWait_NotYet(t *testing.T) {
	t.Parallel()
	// flip renames the branch of #5 (page 3, approved) at every page
	// request up to last, to a name of its own: no two reads agree while
	// it goes on, however a read's pages interleave.
	flip := func(w *waitRun, last int) {
		w.ps.OnListRequest(sandbox.RouteDeployRequests, func(n int) {
			if n <= last {
				_ = w.ps.UpdateDeployRequests(testOrg, testDatabase, func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
					for i := range drs {
						if drs[i].Number == 5 {
							drs[i].Branch = fmt.Sprintf("change-5-%d", n)
						}
					}
					return drs
				})
			}
		})
	}
	t.Run("list_changing_through_check_1", func(t *testing.T) {
		t.Parallel()
		w := newWaitRun(t, "1m")
		flip(w, 24) // the 8 reads of check 1
		w.requireNotYetThenSuccess(t, runGate(t, w.in, w.env...), "Check 1 could not decide (list-changed:", "check 1's list-changed")
	})
	t.Run("server_errors_through_check_1", func(t *testing.T) {
		t.Parallel()
		w := newWaitRun(t, "1m")
		w.in["timeout"] = "2s"
		var mu sync.Mutex
		var first time.Time
		w.ps.OnListRequest(sandbox.RouteDeployRequests, func(int) {
			mu.Lock()
			defer mu.Unlock()
			if first.IsZero() {
				first = time.Now()
			}
			if time.Since(first) < 3*time.Second { // past check 1's timeout, before check 2
				w.ps.InjectFaults(sandbox.Unavailable)
			}
		})
		w.requireNotYetThenSuccess(t, runGate(t, w.in, w.env...), "(server-error:", "check 1's server-error")
	})
	t.Run("list_never_holds_still", func(t *testing.T) {
		t.Parallel()
		w := newWaitRun(t, "8s") // two checks
		flip(w, 1<<30)
		run := runGate(t, w.in, w.env...)
		if got := requireUndecided(t, run); !strings.Contains(got, "the list kept changing while it was read") {
			t.Errorf("error annotation = %q, want the list kept changing", got)
		}
		if lines := notYet(run); len(lines) != 1 {
			t.Errorf("not-yet lines = %q, want one, for check 1", lines)
		}
		if got := w.pages(t); got != 2*8*3 {
			t.Errorf("the gate read %d pages, want 2 checks of 8 reads of 3 pages", got)
		}
		if st := w.requireStatuses(t, "pending", "error"); !strings.HasPrefix(st.Description, "Could not check") {
			t.Errorf("last status = %+v", st)
		}
	})
	t.Run("revoked_token_ends_the_wait_at_once", func(t *testing.T) {
		t.Parallel()
		w := newWaitRun(t, "1m", 28)
		w.change(7, func(s *sandbox.Server) { // check 2's first page
			s.InjectFaults(sandbox.Fault{Status: http.StatusUnauthorized, Body: `{"code":"unauthorized","message":"Unauthorized"}`})
		})
		run := runGate(t, w.in, w.env...)
		if got := requireUndecided(t, run); !strings.Contains(got, "401 Unauthorized") {
			t.Errorf("error annotation = %q, want the 401", got)
		}
		if lines := notYet(run); len(lines) != 0 {
			t.Errorf("not-yet lines = %q, want none: a rejected token is permanent", lines)
		}
		if got := w.pages(t); got != 7 {
			t.Errorf("the gate read %d pages, want 7: check 1 (6), then check 2's refused page 1, and no check 3", got)
		}
		w.requireStatuses(t, "pending", "error")
	})
}

// TestGate_Cancelled: SIGTERM or SIGINT (a cancelled or timed-out job)
// during a wait or a single check ends the run as error, exit 2, with
// result=error and the commit status error in place of pending.
func TestGate_Cancelled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		waitFor string
		sig     syscall.Signal
		// ready reports when to send the signal.
		ready func(w *waitRun) bool
		want  []string // the statuses on the head, in order
	}{
		{"sigterm_during_a_wait", "1m", syscall.SIGTERM, func(w *waitRun) bool {
			states, _ := w.statuses()
			return len(states) == 1 && len(w.ps.Requests()) >= 7 // pending set, check 1 done
		}, []string{"pending", "error"}},
		{"sigterm_during_a_check", "", syscall.SIGTERM, listAsked, []string{"error"}},
		{"sigint_during_a_check", "", syscall.SIGINT, listAsked, []string{"error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWaitRun(t, tt.waitFor, 28)
			if tt.waitFor == "" {
				w.ps.InjectFaults(sandbox.Fault{Delay: time.Minute}) // page 1 hangs
			}
			p := startGate(t, w.in, w.env...)
			waitUntil(t, 20*time.Millisecond, "the gate never got to the point of the signal", func() bool { return tt.ready(w) })
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			run := p.wait()
			checkNoGitHubToken(t, run, w.gh, 7)
			if got := requireUndecided(t, run); !strings.Contains(got, "cancelled before the gate could decide") {
				t.Errorf("error annotation = %q, want it to say the job was cancelled", got)
			}
			if st := w.requireStatuses(t, tt.want...); st.Description != "Cancelled before it could decide: see the run" {
				t.Errorf("last status = %+v, want the cancelled description", st)
			}
			if got := run.outputs["status-sha"]; got != e2eHead {
				t.Errorf("status-sha = %q, want %s", got, e2eHead)
			}
		})
	}
}

// listAsked reports whether the gate has asked for a page of the list.
func listAsked(w *waitRun) bool {
	for _, r := range w.ps.Requests() {
		if r.Route == sandbox.RouteDeployRequests {
			return true
		}
	}
	return false
}

// TestGate_CancelledWhileReporting: a signal that comes once the gate has
// decided, while GitHub holds its final status back (a secondary rate limit
// asking for 2 s), leaves the status write a few seconds of its own: the
// decided status replaces pending, and the run ends as decided.
func TestGate_CancelledWhileReporting(t *testing.T) {
	t.Parallel()
	w := newWaitRun(t, "1m")
	w.ps.InjectFaults(sandbox.Fault{Delay: time.Second}) // page 1 answers late: time to arm GitHub's fault
	p := startGate(t, w.in, w.env...)
	statusWrites := func() int {
		n := 0
		for _, r := range w.gh.Requests() {
			if r.Endpoint == ghsandbox.CreateStatus {
				n++
			}
		}
		return n
	}
	armed := false
	waitUntil(t, 10*time.Millisecond, "the gate never wrote its final status", func() bool {
		if statusWrites() >= 2 {
			return true
		}
		if states, _ := w.statuses(); !armed && len(states) == 1 {
			w.gh.Inject(ghsandbox.SecondaryRateLimit("2").On(ghsandbox.CreateStatus))
			armed = true
		}
		return false
	})
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	run := p.wait()
	if run.exitCode != 0 || run.outputs["result"] != "pass" {
		t.Fatalf("exit code = %d, result = %q; want 0, pass (decided before the signal)\n%s", run.exitCode, run.outputs["result"], run.stdout)
	}
	w.requireStatuses(t, "pending", "success")
}
