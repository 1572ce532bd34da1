package planetscale_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// readModes are the two ways a client reads a list's pages: one after
// another (the default), and at once (WithPageConcurrency). The paging
// tables run in both: the outcome must be the same.
var readModes = []struct {
	name  string
	pages int
}{
	{"one_by_one", 1},
	{"at_once", planetscale.MaxPageConcurrency},
}

// forEachReadMode runs test as a parallel subtest in each read mode,
// named for it, with the client's page concurrency.
func forEachReadMode(t *testing.T, test func(t *testing.T, pages int)) {
	t.Helper()
	for _, mode := range readModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			test(t, mode.pages)
		})
	}
}

// forEachFake runs test in a parallel subtest named name, in each read
// mode, against a fake API serving n open requests (numbered n down,
// page 1 approved) with opts, read by a client that reads pages as the
// mode does.
func forEachFake(t *testing.T, name string, n int, opts []fakeOption, test func(t *testing.T, pages int, api *fakeAPI, c *planetscale.Client)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		forEachReadMode(t, func(t *testing.T, pages int) {
			api, c := newFakeAPI(t, fakeOpen(n, n, pageOneApproved), opts, planetscale.WithPageConcurrency(pages))
			test(t, pages, api, c)
		})
	})
}

// anyPages, as the pages a table row expects when read at once, skips the
// check: a failing walk cancels pages it had asked for, and whether their
// requests got out first is a matter of timing.
const anyPages = "any"

// checkPagesAsked compares the pages a fake was asked for, as "1,2,1,2",
// with want. Read one by one they come in that order; read at once, in
// any order, so they are compared as a multiset, with atOnce when it is
// set ("" for want's).
func checkPagesAsked(t *testing.T, pages int, got, want, atOnce string) {
	t.Helper()
	if pages == 1 {
		if got != want {
			t.Errorf("pages asked for = %s, want %s", got, want)
		}
		return
	}
	if atOnce == "" {
		atOnce = want
	}
	if atOnce == anyPages {
		return
	}
	sorted := func(s string) string {
		parts := strings.Split(s, ",")
		slices.Sort(parts)
		return strings.Join(parts, ",")
	}
	if sorted(got) != sorted(atOnce) {
		t.Errorf("pages asked for = %s, want %s in any order", got, atOnce)
	}
}
