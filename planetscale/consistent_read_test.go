package planetscale_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// pageOneApproved approves the first 100 of fakeOpen(150, 150, ...): page 1
// approved, page 2 not.
func pageOneApproved(n int) bool { return n > 50 }

// beforeCall changes the list before the nth answer (from 1).
func beforeCall(n int, change func(a *fakeAPI)) fakeOption {
	return withBefore(func(a *fakeAPI, c fakeCall) *fakeAnswer {
		if c.N == n {
			change(a)
		}
		return nil
	})
}

// closeOnPage1 closes approved #100, on page 1, before the nth answer: #50,
// first of page 2 and not approved, slides onto page 1.
func closeOnPage1(n int) fakeOption {
	return beforeCall(n, func(a *fakeAPI) { a.remove(100) })
}

// closeNewest closes the newest request before each of the answers
// numbered calls: page 2 starts one request later each time.
func closeNewest(calls ...int) fakeOption {
	return withBefore(func(a *fakeAPI, c fakeCall) *fakeAnswer {
		if slices.Contains(calls, c.N) {
			a.remove(a.drs[0].Number)
		}
		return nil
	})
}

// beforeEachRead changes the list before each read after the first of a
// list of pages pages, answered without a fault: before its first request,
// whichever page that asks for (pages read at once come in any order).
func beforeEachRead(pages int, change func(a *fakeAPI, read int)) fakeOption {
	return withBefore(func(a *fakeAPI, c fakeCall) *fakeAnswer {
		if c.N > 1 && (c.N-1)%pages == 0 {
			change(a, (c.N-1)/pages+1)
		}
		return nil
	})
}

// openNew opens #151, not approved, at the top of the list.
func openNew(a *fakeAPI) {
	a.drs = append([]fakeDR{{151, false, "open", "ready", "feature-151", "main"}}, a.drs...)
}

// TestListDeployRequests_listMoves changes the list while it is read: the
// client returns the list as it stood when two walks in a row agreed, or
// fails with ErrListChanged; never a list that misses a request.
func TestListDeployRequests_listMoves(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		n         int // open requests, numbered n down to 1
		opts      []fakeOption
		wantPages string
		wantErr   bool // ErrListChanged
	}{
		{
			// total_count drops from 150 to 149 between the pages: walk 1
			// does not count; walks 2 and 3 agree.
			name:      "close_on_page_1_after_page_1",
			n:         150,
			opts:      []fakeOption{closeOnPage1(2)},
			wantPages: "1,2,1,2,1,2",
		},
		{
			// Without total_count, walk 1 misses #50; walk 2 differs from
			// it, walk 3 agrees with walk 2.
			name:      "close_on_page_1_after_page_1_no_total",
			n:         150,
			opts:      []fakeOption{closeOnPage1(2), withoutTotal()},
			wantPages: "1,2,1,2,1,2",
		},
		{
			// The 429 before page 2 is the window in which the list moves.
			name: "close_on_page_1_during_a_429_before_page_2",
			n:    150,
			opts: []fakeOption{withoutTotal(), withBefore(func(a *fakeAPI, c fakeCall) *fakeAnswer {
				if c.N == 2 {
					a.remove(100)
					return fakeRateLimited("1")
				}
				return nil
			})},
			wantPages: "1,2,2,1,2,1,2",
		},
		{
			// total_count stays 150, and page 2 is what it was: walk 1 is
			// the list before, without #151; walk 2 sees #151.
			name:      "close_and_open_keep_total_count",
			n:         150,
			opts:      []fakeOption{beforeCall(2, func(a *fakeAPI) { a.remove(100); openNew(a) })},
			wantPages: "1,2,1,2,1,2",
		},
		{
			// #51 comes again on page 2: walk 1 does not count.
			name:      "open_pushes_page_1_down_no_total",
			n:         150,
			opts:      []fakeOption{withoutTotal(), beforeCall(2, openNew)},
			wantPages: "1,2,1,2,1,2",
		},
		{
			name:      "approval_flips_before_every_walk",
			n:         150,
			opts:      []fakeOption{beforeEachRead(2, func(a *fakeAPI, _ int) { a.find(120).Approved = !a.find(120).Approved })},
			wantPages: reads(8, "1,2"),
			wantErr:   true,
		},
		{
			name: "deployment_state_changes_before_every_walk",
			n:    150,
			opts: []fakeOption{beforeEachRead(2, func(a *fakeAPI, read int) {
				a.find(3).DeploymentState = []string{"ready", "queued", "submitting", "in_progress"}[read%4]
			})},
			wantPages: reads(8, "1,2"),
			wantErr:   true,
		},
		{
			name: "closes_during_every_walk",
			n:    150,
			opts: []fakeOption{withBefore(func(a *fakeAPI, c fakeCall) *fakeAnswer {
				if c.Page == 2 {
					a.remove(a.drs[0].Number)
				}
				return nil
			})},
			wantPages: reads(8, "1,2"),
			wantErr:   true,
		},
		{
			// Walk 2 is torn (it misses #50), walk 3 differs from it, walk
			// 4 agrees with walk 3.
			name:      "close_during_second_walk_no_total",
			n:         150,
			opts:      []fakeOption{withoutTotal(), closeOnPage1(4)},
			wantPages: reads(4, "1,2"),
		},
		{
			// Two changes in a row: the newest request closes inside walk
			// 1 and the next newest inside walk 2, each shifting page 2:
			// walks 3 and 4 agree.
			name:      "closes_in_walks_1_and_2_no_total",
			n:         150,
			opts:      []fakeOption{withoutTotal(), closeNewest(2, 4)},
			wantPages: reads(4, "1,2"),
		},
		{
			// #7's approval flips before walks 2 to 7: walks 7 and 8, the
			// last the bound allows, agree.
			name: "changes_until_the_last_two_walks",
			n:    150,
			opts: []fakeOption{beforeEachRead(2, func(a *fakeAPI, read int) {
				if read < 8 {
					a.find(7).Approved = !a.find(7).Approved
				}
			})},
			wantPages: reads(8, "1,2"),
		},
		{
			name:      "approval_flips_between_walks_once",
			n:         150,
			opts:      []fakeOption{beforeCall(3, func(a *fakeAPI) { a.find(7).Approved = true })},
			wantPages: "1,2,1,2,1,2",
		},
		{
			// One page is one answer: one moment of the list.
			name:      "one_page_is_read_once",
			n:         100,
			opts:      []fakeOption{closeOnPage1(2)},
			wantPages: "1",
		},
		{
			name:      "still_list_of_three_pages",
			n:         250,
			wantPages: "1,2,3,1,2,3",
		},
	}
	for _, tt := range tests {
		forEachFake(t, tt.name, tt.n, tt.opts, func(t *testing.T, pages int, api *fakeAPI, c *planetscale.Client) {
			if tt.wantErr {
				got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
				wantListChanged(t, err)
				if got != nil {
					t.Errorf("ListDeployRequests() = %d items with an error, want nil", len(got))
				}
			} else if got, want := drSummaries(listOpen(t, testContext(t), c)), fakeSummaries(api.list()); !slices.Equal(got, want) {
				t.Errorf("ListDeployRequests() = %d requests, want the %d of the list as it stands\ngot  %v\nwant %v", len(got), len(want), got, want)
			}
			checkPagesAsked(t, pages, api.pages(), tt.wantPages, "")
		})
	}
}

// TestListDeployRequests_listMovesUntilTheDeadline: a list that changes
// before every read, read slowly, ends with ErrListChanged when the time
// runs out before the bound of reads: the list never held still while
// there was time.
func TestListDeployRequests_listMovesUntilTheDeadline(t *testing.T) {
	t.Parallel()
	flipAndDelay := withBefore(func(a *fakeAPI, c fakeCall) *fakeAnswer {
		if c.N > 1 && c.Page == 1 {
			a.find(120).Approved = !a.find(120).Approved
		}
		time.Sleep(100 * time.Millisecond) // 8 reads of 2 pages take 1.6 s
		return nil
	})
	forEachFake(t, "flips_before_every_read", 150, []fakeOption{flipAndDelay}, func(t *testing.T, _ int, _ *fakeAPI, c *planetscale.Client) {
		ctx, cancel := context.WithTimeout(t.Context(), 700*time.Millisecond)
		defer cancel()
		_, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
		wantListChanged(t, err)
		if !strings.Contains(err.Error(), "the time ran out during read") {
			t.Errorf("error = %q, want it to say the time ran out", err)
		}
	})
}

// wantListChanged checks that err says the list kept changing.
func wantListChanged(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, planetscale.ErrListChanged) {
		t.Fatalf("ListDeployRequests() error = %v, want ErrListChanged", err)
	}
	var pagingErr *planetscale.PagingError
	if !errors.As(err, &pagingErr) {
		t.Errorf("ListDeployRequests() error = %T, want a *PagingError", err)
	}
	if !strings.Contains(err.Error(), "the list kept changing while it was read") {
		t.Errorf("ListDeployRequests() error = %q, want it to say the list kept changing while it was read", err)
	}
}
