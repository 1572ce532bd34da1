package planetscale_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// FuzzListDeployRequests plays a scripted API that the fuzzer's bytes
// drive (see parseFuzzScript): a list of deploy requests, some not
// approved, that may change once (requests closed, opened, approved,
// moved), and answers that lie (items dropped, repeated, reordered, keys
// in another case or twice, fields missing, totals, next_page and
// current_page altered, 429s).
//
// All changes and lies fall in one read of the list, the script's walk:
// every other read sees the list as it stands. The client returns a list
// only when two reads in a row agree (or one page was all), so one of them
// saw the list as it stood, before the change or after it. Hence the
// property: when ListDeployRequests succeeds, the requests it returns,
// with their approval, states and branches, are those of the list before
// the change or after it; never a list that misses or misjudges a request.
// And when the script changes nothing and lies only harmlessly, it must
// succeed.
//
// Two kinds of lie no client can see are left out, because the protocol
// hides them: a list that lies the same way in two reads in a row, and,
// without total_count, a single page whose items the API drops while
// saying it is the last.
//
// Every script plays twice: pages read one by one, and at once. At once,
// the fake may count a page in the read before its own (its page 1 has
// not come yet), so the change and the lies may fall across two reads;
// each lie is still told once, and the property still holds.
func FuzzListDeployRequests(f *testing.F) {
	for _, seed := range fuzzSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range readModes {
			s := parseFuzzScript(data)
			before := fakeSummaries(s.drs)
			api, c := newFakeAPI(t, s.drs, s.options(), planetscale.WithMaxPages(50), planetscale.WithPageConcurrency(mode.pages),
				planetscale.WithRateLimit(0, 1)) // no budget: scripts of a page an item and 429s would wait for it
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
			if err != nil {
				if !s.changed && s.harmless() {
					t.Fatalf("%s: ListDeployRequests() error = %v; the list held still and the API lied only harmlessly (%v)\nscript %s", mode.name, err, s.applied, s)
				}
				continue
			}
			gotSet := sortedSet(drSummaries(got))
			if len(gotSet) != len(got) {
				t.Fatalf("%s: ListDeployRequests() returned a request twice: %v\nscript %s", mode.name, drSummaries(got), s)
			}
			after := fakeSummaries(api.list())
			if !slices.Equal(gotSet, sortedSet(before)) && !(s.changed && slices.Equal(gotSet, sortedSet(after))) {
				t.Fatalf("%s: ListDeployRequests() = %v\nwant the list before the change %v\nor after it %v (changed: %v, lies: %v)\nscript %s",
					mode.name, drSummaries(got), before, after, s.changed, s.applied, s)
			}
		}
	})
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// fuzzBytes hands out the fuzzer's bytes, then zeros.
type fuzzBytes []byte

func (b *fuzzBytes) next() int {
	if len(*b) == 0 {
		return 0
	}
	c := (*b)[0]
	*b = (*b)[1:]
	return int(c)
}

// fuzzScript is what the fuzzer's bytes say. Its methods run with the
// fake's lock held.
type fuzzScript struct {
	drs     []fakeDR
	perPage int
	noTotal bool
	// walk is the one read in which the list changes and the API lies.
	walk int
	// changeAt is the page of that read before which the list changes, 0
	// for never; changes are the ops (op, target, arg).
	changeAt int
	changes  [][3]int
	// lies maps a page of that read to its one lie (kind, arg).
	lies map[int][2]int

	changed bool
	used    map[int]bool // pages whose lie was told
	applied []int        // kinds of the lies told
}

// parseFuzzScript reads: the number of requests (0-12), the page size
// (1-5), flags (bit 0: no total_count), one byte a request (bit 0:
// approved, bits 1-2: deployment state, bit 3: into staging), the walk
// (1-3), the page of the change (0-4), the number of change ops (0-3) and
// three bytes each, the number of lies (0-4) and three bytes each (page,
// kind, arg).
func parseFuzzScript(data []byte) *fuzzScript {
	b := fuzzBytes(data)
	s := &fuzzScript{lies: map[int][2]int{}, used: map[int]bool{}}
	n := b.next() % 13
	s.perPage = 1 + b.next()%5
	s.noTotal = b.next()&1 == 1
	for i := range n {
		a := b.next()
		into := "main"
		if a&8 != 0 {
			into = "staging"
		}
		s.drs = append(s.drs, fakeDR{n - i, a&1 == 1, "open", fuzzStates[(a>>1)%len(fuzzStates)], "f" + strconv.Itoa(n-i), into})
	}
	s.walk = 1 + b.next()%3
	s.changeAt = b.next() % 5
	for range b.next() % 4 {
		s.changes = append(s.changes, [3]int{b.next(), b.next(), b.next()})
	}
	for range b.next() % 5 {
		page, kind, arg := 1+b.next()%6, b.next()%lieKinds, b.next()
		if _, ok := s.lies[page]; !ok {
			s.lies[page] = [2]int{kind, arg}
		}
	}
	return s
}

var fuzzStates = []string{"ready", "pending", "queued", "complete_pending_revert"}

func (s *fuzzScript) String() string {
	return fmt.Sprintf("{%d requests, %d a page, no total %v, walk %d, change before page %d: %v, lies %v}",
		len(s.drs), s.perPage, s.noTotal, s.walk, s.changeAt, s.changes, s.lies)
}

func (s *fuzzScript) options() []fakeOption {
	opts := []fakeOption{withPerPage(s.perPage), withBefore(s.before), withEdit(s.edit)}
	if s.noTotal {
		opts = append(opts, withoutTotal())
	}
	return opts
}

// before changes the list before page changeAt of the walk, and answers
// a 429 where the script says so.
func (s *fuzzScript) before(a *fakeAPI, c fakeCall) *fakeAnswer {
	if c.Walk != s.walk {
		return nil
	}
	if c.Page == s.changeAt && !s.changed && len(s.changes) > 0 {
		s.changed = true
		for _, op := range s.changes {
			applyChange(a, op)
		}
	}
	if lie, ok := s.lies[c.Page]; ok && lie[0] == lieRateLimited && !s.used[c.Page] {
		s.used[c.Page] = true
		s.applied = append(s.applied, lieRateLimited)
		return fakeRateLimited("0")
	}
	return nil
}

// applyChange changes the list as people do: op is (kind, target, arg).
func applyChange(a *fakeAPI, op [3]int) {
	if op[0]%7 == 1 { // open a new request at the top
		top := 0
		for _, d := range a.drs {
			top = max(top, d.Number)
		}
		top = max(top, 12) + 1 // never a number seen before
		a.drs = append([]fakeDR{{top, op[2]&1 == 1, "open", "pending", "f" + strconv.Itoa(top), "main"}}, a.drs...)
		return
	}
	if len(a.drs) == 0 {
		return
	}
	i := op[1] % len(a.drs)
	d := &a.drs[i]
	switch op[0] % 7 {
	case 0: // close
		a.drs = slices.Delete(a.drs, i, i+1)
	case 2:
		d.Approved = !d.Approved
	case 3:
		d.DeploymentState = fuzzStates[op[2]%len(fuzzStates)]
	case 4: // updated: to the top
		moved := *d
		a.drs = append([]fakeDR{moved}, slices.Delete(a.drs, i, i+1)...)
	case 5: // to the bottom
		moved := *d
		a.drs = append(slices.Delete(a.drs, i, i+1), moved)
	case 6:
		d.IntoBranch = "main-" + strconv.Itoa(op[2]%3)
	}
}
