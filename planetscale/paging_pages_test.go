package planetscale_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// listFailure is what a failed list fakeCall must have told.
type listFailure struct {
	// is lists sentinels the error must match; isNot, ones it must not.
	is, isNot []error
	// paging, item: the error holds a *PagingError, an *ItemError.
	paging, item bool
	// page is the *PageError's page (0: no *PageError); walk its read.
	page, walk int
	// text is in the message.
	text string
}

// checkListFailure checks err against want; the list must be nil.
func checkListFailure(t *testing.T, got []planetscale.DeployRequest, err error, want listFailure) {
	t.Helper()
	if err == nil {
		t.Fatalf("ListDeployRequests() = %v, want an error", drSummaries(got))
	}
	if got != nil {
		t.Errorf("ListDeployRequests() = %d items with an error, want nil", len(got))
	}
	for _, target := range want.is {
		if !errors.Is(err, target) {
			t.Errorf("ListDeployRequests() error = %v, want it to match %v", err, target)
		}
	}
	for _, target := range want.isNot {
		if errors.Is(err, target) {
			t.Errorf("ListDeployRequests() error = %v, want it not to match %v", err, target)
		}
	}
	var (
		pagingErr *planetscale.PagingError
		itemErr   *planetscale.ItemError
		pageErr   *planetscale.PageError
	)
	if got := errors.As(err, &pagingErr); got != want.paging {
		t.Errorf("ListDeployRequests() error = %v; holds a *PagingError: %v, want %v", err, got, want.paging)
	}
	if got := errors.As(err, &itemErr); got != want.item {
		t.Errorf("ListDeployRequests() error = %v; holds an *ItemError: %v, want %v", err, got, want.item)
	}
	switch {
	case !errors.As(err, &pageErr) && want.page != 0:
		t.Errorf("ListDeployRequests() error = %v, want a *PageError for page %d", err, want.page)
	case pageErr != nil && (pageErr.Page != want.page || pageErr.Walk != max(want.walk, 1)):
		t.Errorf("*PageError page, walk = %d, %d, want %d, %d", pageErr.Page, pageErr.Walk, want.page, max(want.walk, 1))
	}
	if !strings.Contains(err.Error(), want.text) {
		t.Errorf("ListDeployRequests() error = %q, want it to say %q", err, want.text)
	}
}

// fakeOnPage rewrites the answers to page n with fn.
func fakeOnPage(n int, fn func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject)) fakeOption {
	return withEdit(func(_ *fakeAPI, c fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
		if c.Page != n {
			return env, items
		}
		return fn(env, items)
	})
}

// fakeOnItem rewrites item i (from 0) of the answers to page n with fn.
func fakeOnItem(n, i int, fn func(item jsonObject) jsonObject) fakeOption {
	return fakeOnPage(n, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
		items[i] = fn(items[i])
		return env, items
	})
}

// fakeRefuse answers the calls that match with an API error.
func fakeRefuse(code int, match func(c fakeCall) bool) fakeOption {
	return withBefore(func(_ *fakeAPI, c fakeCall) *fakeAnswer {
		if !match(c) {
			return nil
		}
		body := map[int]string{
			http.StatusNotFound:     `{"code":"not_found","message":"Not Found"}`,
			http.StatusUnauthorized: `{"code":"unauthorized","message":"The access token is invalid"}`,
			http.StatusForbidden:    `{"code":"forbidden","message":"Forbidden"}`,
		}[code]
		return &fakeAnswer{status: code, body: body}
	})
}

func fakeObjects(drs []fakeDR) []jsonObject {
	out := make([]jsonObject, len(drs))
	for i, d := range drs {
		out[i] = d.json()
	}
	return out
}

// TestListDeployRequests_pagesDoNotAddUp serves pages that cannot come
// from one list, however it moved: repeated or missing numbers, lists that
// end early, pages refused mid-read. Each ends in a typed error naming the
// cause, never a list.
func TestListDeployRequests_pagesDoNotAddUp(t *testing.T) {
	t.Parallel()

	page2 := func(c fakeCall) bool { return c.Page == 2 }
	tests := []struct {
		name      string
		n         int
		opts      []fakeOption
		want      listFailure
		wantPages string
		// atOnce is the pages asked for when read at once, when not
		// wantPages in any order.
		atOnce string
	}{
		{
			name: "same_number_approved_on_page_1_unapproved_on_page_2",
			n:    150,
			opts: []fakeOption{fakeOnItem(2, 0, func(jsonObject) jsonObject {
				return fakeDR{150, false, "open", "ready", "feature-150", "main"}.json()
			})},
			want:      listFailure{paging: true, page: 2, isNot: []error{planetscale.ErrListChanged}, text: "deploy request #150 appears twice with different approval"},
			wantPages: "1,2",
		},
		{
			name: "same_number_twice_on_one_page_differently",
			n:    5,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env, append(items, items[0].set("approved", true))
			})},
			want:      listFailure{paging: true, page: 1, text: "deploy request #5 appears twice with different approval"},
			wantPages: "1",
		},
		{
			name: "same_number_twice_on_one_page",
			n:    5,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env, append(items, items[2])
			})},
			want:      listFailure{paging: true, page: 1, text: "deploy request #3 appears twice on the page (items 3 and 6)"},
			wantPages: "1",
		},
		{
			name: "items_without_number",
			n:    3,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				for i := range items {
					items[i] = items[i].drop("number")
				}
				return env, items
			})},
			want:      listFailure{item: true, page: 1, is: []error{planetscale.ErrMalformedItem}, text: `page 1: item 1 (deploy request): field "number" is missing`},
			wantPages: "1",
		},
		{
			name:      "number_zero",
			n:         3,
			opts:      []fakeOption{fakeOnItem(1, 1, func(item jsonObject) jsonObject { return item.set("number", 0) })},
			want:      listFailure{item: true, page: 1, is: []error{planetscale.ErrMalformedItem}, text: "item 2 (deploy request): number is 0, want a positive integer"},
			wantPages: "1",
		},
		{
			name:      "number_negative_on_page_2",
			n:         150,
			opts:      []fakeOption{fakeOnItem(2, 3, func(item jsonObject) jsonObject { return item.set("number", -4) })},
			want:      listFailure{item: true, page: 2, is: []error{planetscale.ErrMalformedItem}, text: "page 2: item 4 (deploy request): number is -4"},
			wantPages: "1,2",
		},
		{
			name: "page_2_echoes_page_1_and_goes_on",
			n:    250,
			opts: []fakeOption{fakeOnPage(2, func(env jsonObject, _ []jsonObject) (jsonObject, []jsonObject) {
				return env, fakeObjects(fakeOpen(250, 100, pageOneApproved))
			})},
			want:      listFailure{paging: true, page: 2, text: "page 2 holds only deploy requests of earlier pages, yet names a next page"},
			wantPages: "1,2",
			atOnce:    anyPages, // page 3 too, unless page 2's failure cancels it first
		},
		{
			// As the last page it could be the list moving down by a page:
			// each read is void, and the reads run out.
			name: "last_page_echoes_page_1",
			n:    150,
			opts: []fakeOption{fakeOnPage(2, func(env jsonObject, _ []jsonObject) (jsonObject, []jsonObject) {
				return env, fakeObjects(fakeOpen(150, 100, pageOneApproved))
			})},
			want:      listFailure{paging: true, is: []error{planetscale.ErrListChanged}, text: "page 2 repeated 100 deploy requests of earlier pages"},
			wantPages: reads(8, "1,2"),
		},
		{
			name: "total_count_150_with_100_items_and_next_page_null",
			n:    150,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.set("next_page", nil).set("next_page_url", nil), items
			})},
			want:      listFailure{paging: true, page: 1, text: "the list ended early: total_count is 150 but its pages held 100 deploy requests"},
			wantPages: "1",
		},
		{
			name: "total_count_below_the_items",
			n:    150,
			opts: []fakeOption{withEdit(func(_ *fakeAPI, _ fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.set("total_count", 149), items
			})},
			want:      listFailure{paging: true, page: 2, text: "the list does not add up: total_count is 149 but its pages held 150"},
			wantPages: "1,2",
		},
		{
			name: "total_count_negative",
			n:    3,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.set("total_count", -1), items
			})},
			want:      listFailure{paging: true, page: 1, text: "total_count is -1"},
			wantPages: "1",
		},
		{
			name: "total_count_differs_between_pages_in_every_read",
			n:    150,
			opts: []fakeOption{fakeOnPage(2, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.set("total_count", 151), items
			})},
			want:      listFailure{paging: true, is: []error{planetscale.ErrListChanged}, text: "total_count went from 150 to 151 on page 2"},
			wantPages: reads(8, "1,2"),
		},
		{
			name: "full_page_without_next_page_key",
			n:    150,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.drop("next_page"), items // next_page_url is still there
			})},
			want:      listFailure{paging: true, page: 1, text: "the answer has no next_page"},
			wantPages: "1",
		},
		{
			name: "last_page_without_next_page_key",
			n:    150,
			opts: []fakeOption{withoutTotal(), fakeOnPage(2, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.drop("next_page").drop("next_page_url"), items
			})},
			want:      listFailure{paging: true, page: 2, text: "the answer has no next_page"},
			wantPages: "1,2",
		},
		{
			name: "next_page_in_another_case",
			n:    150,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.rename("next_page", "Next_Page"), items
			})},
			want:      listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}, text: `key "Next_Page" differs from the field "next_page" only in case`},
			wantPages: "1",
		},
		{
			name: "next_page_twice",
			n:    150,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.add("next_page", nil), items
			})},
			want:      listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}, text: `key "next_page" appears twice`},
			wantPages: "1",
		},
		{
			name: "current_page_zero",
			n:    3,
			opts: []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.set("current_page", 0), items
			})},
			want:      listFailure{paging: true, page: 1, text: "asked for page 1 but the API answered with page 0"},
			wantPages: "1",
		},
		{name: "not_found_on_page_2", n: 150, opts: []fakeOption{fakeRefuse(http.StatusNotFound, page2)}, wantPages: "1,2",
			want: listFailure{page: 2, is: []error{planetscale.ErrListChanged, planetscale.ErrNotFound}, text: "page 2: PlanetScale API answered 404 Not Found"}},
		{name: "unauthorized_on_page_2", n: 150, opts: []fakeOption{fakeRefuse(http.StatusUnauthorized, page2)}, wantPages: "1,2",
			want: listFailure{page: 2, is: []error{planetscale.ErrListChanged, planetscale.ErrUnauthorized}, text: "page 2: PlanetScale API answered 401"}},
		{name: "forbidden_on_page_2", n: 150, opts: []fakeOption{fakeRefuse(http.StatusForbidden, page2)}, wantPages: "1,2",
			want: listFailure{page: 2, is: []error{planetscale.ErrListChanged, planetscale.ErrForbidden}, text: "page 2: PlanetScale API answered 403"}},
		{
			name:      "not_found_on_page_1_of_the_second_read",
			n:         150,
			opts:      []fakeOption{fakeRefuse(http.StatusNotFound, func(c fakeCall) bool { return c.N >= 3 && c.Page == 1 })},
			want:      listFailure{page: 1, walk: 2, is: []error{planetscale.ErrListChanged, planetscale.ErrNotFound}, text: "page 1 (read 2 of the list): PlanetScale API answered 404"},
			wantPages: "1,2,1",
			atOnce:    anyPages, // page 2 too, unless page 1's failure cancels it first
		},
		{
			name:      "not_found_on_page_1",
			n:         150,
			opts:      []fakeOption{fakeRefuse(http.StatusNotFound, func(c fakeCall) bool { return c.Page == 1 })},
			want:      listFailure{page: 1, is: []error{planetscale.ErrNotFound}, isNot: []error{planetscale.ErrListChanged}, text: "page 1: PlanetScale API answered 404"},
			wantPages: "1",
		},
		{
			name: "server_error_on_page_2",
			n:    150,
			opts: []fakeOption{withBefore(func(_ *fakeAPI, c fakeCall) *fakeAnswer {
				if c.Page == 2 {
					return &fakeAnswer{status: http.StatusInternalServerError, body: `{"status":500,"error":"Internal Server Error"}`}
				}
				return nil
			})},
			want:      listFailure{page: 2, is: []error{planetscale.ErrServer}, isNot: []error{planetscale.ErrListChanged}, text: "page 2: gave up after 4 attempts"},
			wantPages: "1,2,2,2,2",
		},
	}
	for _, tt := range tests {
		forEachFake(t, tt.name, tt.n, tt.opts, func(t *testing.T, pages int, api *fakeAPI, c *planetscale.Client) {
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			checkListFailure(t, got, err, tt.want)
			checkPagesAsked(t, pages, api.pages(), tt.wantPages, tt.atOnce)
		})
	}
}

// TestListDeployRequests_envelopeLeeway serves pages that differ from the
// documented envelope in ways that lose nothing: they are read whole.
func TestListDeployRequests_envelopeLeeway(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		opts      []fakeOption
		wantPages string
	}{
		{
			name: "no_current_page",
			opts: []fakeOption{withEdit(func(_ *fakeAPI, _ fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.drop("current_page"), items
			})},
			wantPages: "1,2,1,2",
		},
		{
			name: "current_page_null",
			opts: []fakeOption{withEdit(func(_ *fakeAPI, _ fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.set("current_page", nil), items
			})},
			wantPages: "1,2,1,2",
		},
		{
			name:      "no_total_count",
			opts:      []fakeOption{withoutTotal()},
			wantPages: "1,2,1,2",
		},
		{
			name: "total_count_on_page_1_only",
			opts: []fakeOption{fakeOnPage(2, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.drop("total_count"), items
			})},
			wantPages: "1,2,1,2",
		},
		{
			name: "unknown_envelope_keys_in_any_case",
			opts: []fakeOption{withEdit(func(_ *fakeAPI, _ fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				return env.add("Links", map[string]string{"self": "x"}).add("links", nil), items
			})},
			wantPages: "1,2,1,2",
		},
		{
			name:      "short_pages",
			opts:      []fakeOption{withPerPage(60)},
			wantPages: "1,2,3,1,2,3",
		},
		{
			name: "items_reordered_on_a_page",
			opts: []fakeOption{withEdit(func(_ *fakeAPI, c fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
				if c.Walk == 2 && c.Page == 1 {
					items[0], items[99] = items[99], items[0]
				}
				return env, items
			})},
			wantPages: "1,2,1,2",
		},
	}
	for _, tt := range tests {
		forEachFake(t, tt.name, 150, tt.opts, func(t *testing.T, pages int, api *fakeAPI, c *planetscale.Client) {
			if got, want := len(listOpen(t, testContext(t), c)), 150; got != want {
				t.Errorf("len(ListDeployRequests()) = %d, want %d", got, want)
			}
			checkPagesAsked(t, pages, api.pages(), tt.wantPages, "")
		})
	}
}
