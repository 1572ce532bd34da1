package planetscale_test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// gate holds requests back until n of them wait, then lets them all go:
// requests that a client sends at once meet at the gate; one that a
// client sends only after another's answer never does, and the gate gives
// up after a while (failing the test) rather than hang it.
type gate struct {
	t       *testing.T
	n       int
	mu      sync.Mutex
	waiting int
	open    chan struct{}
}

func newGate(t *testing.T, n int) *gate { return &gate{t: t, n: n, open: make(chan struct{})} }

func (g *gate) wait(what string) {
	g.mu.Lock()
	g.waiting++
	if g.waiting == g.n {
		close(g.open)
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-time.After(4 * time.Second): // within the attempt's timeout (fastPolicy)
		g.t.Errorf("%s: only %d of %d requests came at once", what, g.waiting, g.n)
	}
}

// TestListDeployRequests_pagesAtOnce reads a list of three pages with
// pages fetched at once: the first read asks for page 1 alone, then pages
// 2 and 3 at once; the confirming read asks for all three at once.
func TestListDeployRequests_pagesAtOnce(t *testing.T) {
	t.Parallel()

	rest, second := newGate(t, 2), newGate(t, 3)
	var page1Done atomic.Bool
	api, url := newPagedAPI(t, 250, 0)
	api.hold = func(_ http.ResponseWriter, _ *http.Request, page int) bool {
		switch n := api.requests.Load(); {
		case n == 1:
			if page != 1 {
				t.Errorf("first request for page %d, want page 1", page)
			}
			page1Done.Store(true)
		case n <= 3:
			if !page1Done.Load() || page == 1 {
				t.Errorf("request %d for page %d came before page 1 was answered, or asked for it again", n, page)
			}
			rest.wait("pages 2 and 3 of the first read")
		default:
			second.wait("the confirming read")
		}
		return false
	}
	c := pagedClient(t, url, planetscale.MaxPageConcurrency)
	if got, want := numbers(listOpen(t, testContext(t), c)), sandboxNumbers(openDRs(250, 250)); !equalInts(got, want) {
		t.Errorf("ListDeployRequests() numbers = %v, want %v", got, want)
	}
	if got, want := api.requests.Load(), int64(6); got != want {
		t.Errorf("server got %d requests, want %d", got, want)
	}
	if got, want := c.Requests(), int64(6); got != want {
		t.Errorf("Requests() = %d, want %d", got, want)
	}
}

// TestListDeployRequests_atMostEightInFlight reads a list of 30 pages: the
// pages after the first go out eight at once, never more.
func TestListDeployRequests_atMostEightInFlight(t *testing.T) {
	t.Parallel()

	first := newGate(t, planetscale.MaxPageConcurrency)
	api, url := newPagedAPI(t, 3000, time.Millisecond)
	api.hold = func(_ http.ResponseWriter, _ *http.Request, _ int) bool {
		if n := api.requests.Load(); n > 1 && n <= 1+planetscale.MaxPageConcurrency {
			first.wait("the first pages after page 1")
		}
		return false
	}
	c := pagedClient(t, url, planetscale.MaxPageConcurrency)
	if got, want := len(listOpen(t, testContext(t), c)), 3000; got != want {
		t.Errorf("len(ListDeployRequests()) = %d, want %d", got, want)
	}
	if got, want := api.maxInFlight.Load(), int64(planetscale.MaxPageConcurrency); got != want {
		t.Errorf("at most %d requests in flight, want %d", got, want)
	}
	if got, want := api.requests.Load(), int64(60); got != want {
		t.Errorf("server got %d requests, want %d (two reads of 30 pages)", got, want)
	}
}

// TestListDeployRequests_withoutTotalsOneByOne: without total_pages, or
// total_count and per_page, the pages are read one after another.
func TestListDeployRequests_withoutTotalsOneByOne(t *testing.T) {
	t.Parallel()

	var inFlight, most atomic.Int64
	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		now := inFlight.Add(1)
		defer inFlight.Add(-1)
		if now > most.Load() {
			most.Store(now)
		}
		time.Sleep(5 * time.Millisecond)
		p := pageOf(r)
		body := listBody(p, p+1, nil, 10*p+1, 10*p+2)
		if p == 3 {
			body = listBody(p, nil, nil, 10*p+1)
		}
		body["per_page"] = 2 // no total_count: per_page alone counts nothing
		writeJSON(w, http.StatusOK, body)
	})
	c := pagedClient(t, url, planetscale.MaxPageConcurrency)
	if got, want := numbers(listOpen(t, testContext(t), c)), []int{11, 12, 21, 22, 31}; !equalInts(got, want) {
		t.Errorf("ListDeployRequests() numbers = %v, want %v", got, want)
	}
	if got, want := rec.pages(), "1,2,3,1,2,3"; got != want {
		t.Errorf("pages asked for = %s, want %s", got, want)
	}
	if got := most.Load(); got != 1 {
		t.Errorf("%d requests in flight at once, want 1", got)
	}
}

// TestListDeployRequests_firstFailureInPageOrder fails pages fetched at
// once: the error is that of the first failing page in page order,
// whichever failed first, and the pages after it are cancelled. Page 3
// answers once the pages after it are in flight. When page 2 succeeds, it
// answers only once the client has dropped the pages after page 3 (a held
// page was cancelled): before that, page 2's answer would free its worker
// for page 10 while page 3's failure was still on its way to the client,
// as it may (it cannot drop pages for a failure it has not seen).
func TestListDeployRequests_firstFailureInPageOrder(t *testing.T) {
	t.Parallel()

	notFound := func(w http.ResponseWriter) {
		http.Error(w, `{"code":"not_found","message":"Not Found"}`, http.StatusNotFound)
	}
	tests := []struct {
		name string
		// page2 answers page 2 once page 3 has been answered (at once);
		// dropped closes when a page after page 3 has been cancelled.
		page2    func(w http.ResponseWriter, r *http.Request, dropped <-chan struct{}) bool
		page3    func(w http.ResponseWriter)
		wantPage int
		wantIs   []error
		want     string
	}{
		{
			name: "later_page_fails_first",
			page2: func(_ http.ResponseWriter, r *http.Request, dropped <-chan struct{}) bool {
				select { // the client has taken in page 3's failure
				case <-dropped:
				case <-r.Context().Done():
				}
				return false
			},
			page3:    notFound,
			wantPage: 3,
			wantIs:   []error{planetscale.ErrNotFound, planetscale.ErrListChanged},
			want:     "page 3: PlanetScale API answered 404 Not Found",
		},
		{
			name:  "earlier_page_fails_later",
			page2: func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) bool { notFound(w); return true },
			page3: func(w http.ResponseWriter) {
				writeJSON(w, http.StatusOK, map[string]any{"current_page": 3, "next_page": 4})
			},
			wantPage: 2,
			wantIs:   []error{planetscale.ErrNotFound, planetscale.ErrListChanged},
			want:     "page 2: PlanetScale API answered 404 Not Found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			page3Answered, held, dropped := make(chan struct{}), make(chan struct{}), make(chan struct{})
			var heldOnce, droppedOnce sync.Once
			var highest atomic.Int64
			api, url := newPagedAPI(t, 3000, 0)
			api.hold = func(w http.ResponseWriter, r *http.Request, page int) bool {
				if int64(page) > highest.Load() {
					highest.Store(int64(page))
				}
				switch page {
				case 1:
					return false
				case 2:
					<-page3Answered
					return tt.page2(w, r, dropped)
				case 3:
					select { // a page after it is in flight, to be dropped
					case <-held:
					case <-r.Context().Done():
					}
					tt.page3(w)
					close(page3Answered)
					return true
				}
				heldOnce.Do(func() { close(held) })
				<-r.Context().Done() // held until cancelled
				droppedOnce.Do(func() { close(dropped) })
				return true
			}
			c := pagedClient(t, url, planetscale.MaxPageConcurrency)
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			checkListFailure(t, got, err, listFailure{page: tt.wantPage, is: tt.wantIs, text: tt.want})
			if got, most := highest.Load(), int64(1+planetscale.MaxPageConcurrency); got > most {
				t.Errorf("page %d was asked for: the pages after a failure go on, want none after page %d", got, most)
			}
		})
	}
}

// TestListDeployRequests_pagesAgainstTotals reads pages at once by the
// count the totals of page 1 give, and holds every page to it.
func TestListDeployRequests_pagesAgainstTotals(t *testing.T) {
	t.Parallel()

	// pages serves n items (numbered n down), two a page, with the
	// envelope edit makes to page p.
	pages := func(n int, edit func(p int, body map[string]any)) func(p int) any {
		return func(p int) any {
			var numbers []int
			for i := 2*(p-1) + 1; i <= min(2*p, n); i++ {
				numbers = append(numbers, n+1-i)
			}
			var next any
			if 2*p < n {
				next = p + 1
			}
			body := listBody(p, next, n, numbers...)
			body["per_page"], body["total_pages"] = 2, (n+1)/2
			edit(p, body)
			return body
		}
	}
	set := func(page int, key string, v any) func(p int, body map[string]any) {
		return func(p int, body map[string]any) {
			if p == page || page == 0 {
				body[key] = v
			}
		}
	}
	tests := []struct {
		name         string
		page         func(p int) any
		maxPages     int
		want         listFailure // page 0: the read succeeds
		wantRequests int64
		// mayCancel: the failing page's failure may cancel the pages
		// after it before they are asked for, so the server gets from
		// want.page to wantRequests requests.
		mayCancel bool
	}{
		{name: "totals_hold", page: pages(6, set(0, "x", 1)), wantRequests: 6},
		{name: "total_count_and_per_page_alone", page: pages(6, set(0, "total_pages", nil)), wantRequests: 6},
		{name: "total_pages_alone", page: pages(6, set(0, "total_count", nil)), wantRequests: 6},
		{name: "one_page", page: pages(2, set(0, "x", 1)), wantRequests: 1},
		{
			name:         "next_page_past_the_count",
			page:         pages(6, set(3, "next_page", 4)),
			want:         listFailure{paging: true, page: 3, text: "page 3 names next page 4, but the totals of page 1 make 3 pages"},
			wantRequests: 3,
		},
		{
			name:         "no_next_page_before_the_count",
			page:         pages(6, set(2, "next_page", nil)),
			want:         listFailure{paging: true, page: 2, text: "the list ended early: total_count is 6 but its pages held 4 deploy requests"},
			wantRequests: 3,
			mayCancel:    true,
		},
		{
			name: "no_next_page_before_the_count_of_total_pages",
			page: pages(6, func(p int, body map[string]any) {
				delete(body, "total_count")
				if p == 2 {
					body["next_page"] = nil
				}
			}),
			want:         listFailure{paging: true, page: 2, text: "page 2 names no next page, but the totals of page 1 make 3 pages"},
			wantRequests: 3,
			mayCancel:    true,
		},
		{
			name:         "count_of_one_with_a_next_page",
			page:         pages(6, set(1, "total_pages", 1)),
			want:         listFailure{paging: true, page: 1, text: "total_pages is 1, but total_count 6 makes 3 pages"},
			wantRequests: 1,
		},
		{
			name:         "total_pages_alone_says_one",
			page:         pages(6, func(p int, body map[string]any) { body["total_pages"] = 1; delete(body, "total_count") }),
			want:         listFailure{paging: true, page: 1, text: "page 1 names next page 2, but the totals of page 1 make 1 pages"},
			wantRequests: 1,
		},
		{
			name:         "total_pages_negative",
			page:         pages(6, set(1, "total_pages", -3)),
			want:         listFailure{paging: true, page: 1, text: "total_pages is -3"},
			wantRequests: 1,
		},
		{
			name:         "total_pages_text",
			page:         pages(6, set(1, "total_pages", "3")),
			want:         listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}, text: `total_pages is "\"3\"", not a whole number`},
			wantRequests: 1,
		},
		{
			name:         "more_pages_than_allowed",
			page:         pages(6, set(0, "x", 1)),
			maxPages:     2,
			want:         listFailure{paging: true, page: 1, text: "the totals make 3 pages, more than 2"},
			wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rec, url := servePages(t, tt.page)
			var opts []planetscale.Option
			if tt.maxPages > 0 {
				opts = append(opts, planetscale.WithMaxPages(tt.maxPages))
			}
			c := pagedClient(t, url, planetscale.MaxPageConcurrency, opts...)
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			if tt.want.page == 0 {
				if err != nil {
					t.Fatalf("ListDeployRequests() error = %v", err)
				}
			} else {
				checkListFailure(t, got, err, tt.want)
			}
			switch got := int64(rec.count()); {
			case tt.mayCancel && (got < int64(tt.want.page) || got > tt.wantRequests):
				t.Errorf("server got %d requests, want %d to %d", got, tt.want.page, tt.wantRequests)
			case !tt.mayCancel && got != tt.wantRequests:
				t.Errorf("server got %d requests, want %d", got, tt.wantRequests)
			}
		})
	}
}

// TestWithListTrace_firstPage: FirstPage is called once, after page 1 of
// the first read is answered and before any other request of the list.
func TestWithListTrace_firstPage(t *testing.T) {
	t.Parallel()

	forEachReadMode(t, func(t *testing.T, pages int) {
		var calls, requestsAtCall atomic.Int64
		api, url := newPagedAPI(t, 250, 0)
		c := pagedClient(t, url, pages)
		ctx := planetscale.WithListTrace(testContext(t), &planetscale.ListTrace{FirstPage: func() {
			calls.Add(1)
			requestsAtCall.Store(api.requests.Load())
		}})
		if _, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{}); err != nil {
			t.Fatalf("ListDeployRequests() error = %v", err)
		}
		if got := calls.Load(); got != 1 {
			t.Errorf("FirstPage called %d times, want once", got)
		}
		if got := requestsAtCall.Load(); got != 1 {
			t.Errorf("FirstPage called when the server had %d requests, want 1 (page 1 alone)", got)
		}
	})
}
