package planetscale_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

func TestListDeployRequests_followsPages(t *testing.T) {
	t.Parallel()

	want := openDRs(300, 250)
	// Noise the filters must keep out: closed requests, other branches.
	noise := openDRs(50, 30)
	for i := range noise {
		switch i % 3 {
		case 0:
			noise[i].State, noise[i].DeploymentState = "closed", "complete"
		case 1:
			noise[i].Branch = "other"
		case 2:
			noise[i].IntoBranch = "staging"
		}
	}
	sb, url := newSandbox(t, append(append([]sandbox.DeployRequest{}, want[:120]...), append(noise, want[120:]...)...))
	c := newClient(t, url)

	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{
		State: "open", Branch: "feature", IntoBranch: "main",
	})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := numbers(got), sandboxNumbers(want); !equalInts(got, want) {
		t.Errorf("ListDeployRequests() numbers = %v, want %v", got, want)
	}

	// Three pages, read twice: a list of more than one page counts only when
	// two reads in a row agree.
	reqs := sb.Requests()
	if got, want := len(reqs), 6; got != want {
		t.Fatalf("sandbox got %d requests, want %d", got, want)
	}
	for i, r := range reqs {
		if got, want := r.Method, http.MethodGet; got != want {
			t.Errorf("request %d method = %q, want %q", i+1, got, want)
		}
		if got, want := r.Path, listPath; got != want {
			t.Errorf("request %d path = %q, want %q", i+1, got, want)
		}
		wantQuery := map[string]string{
			"page": strconv.Itoa(i%3 + 1), "per_page": "100", "state": "open", "branch": "feature", "into_branch": "main",
		}
		if got, want := len(r.Query), len(wantQuery); got != want {
			t.Errorf("request %d query = %v, want %v", i+1, r.Query, wantQuery)
		}
		for k, want := range wantQuery {
			if got := r.Query[k]; got != want {
				t.Errorf("request %d query %s = %q, want %q", i+1, k, got, want)
			}
		}
	}
}

func TestListDeployRequests_noFilters(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(5, 5))
	c := newClient(t, url)
	if _, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{}); err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	reqs := sb.Requests()
	if got, want := len(reqs), 1; got != want {
		t.Fatalf("sandbox got %d requests, want %d", got, want)
	}
	if got, want := len(reqs[0].Query), 2; got != want {
		t.Errorf("query = %v, want only page and per_page", reqs[0].Query)
	}
	if got, want := reqs[0].Query["per_page"], "100"; got != want {
		t.Errorf("per_page = %q, want %q", got, want)
	}
	if got, want := reqs[0].Query["page"], "1"; got != want {
		t.Errorf("page = %q, want %q", got, want)
	}
}

// TestListDeployRequests_shortPages serves fewer items a page than asked
// for: a short page is not the end, only a null next_page is. A list of
// more than one page is read twice.
func TestListDeployRequests_shortPages(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		n, wantPages int
	}{
		{name: "empty", n: 0, wantPages: 1},
		{name: "one", n: 1, wantPages: 1},
		{name: "one_full_page", n: 7, wantPages: 1},
		{name: "one_more_than_a_page", n: 8, wantPages: 2},
		{name: "last_page_short", n: 20, wantPages: 3},
		{name: "last_page_full", n: 21, wantPages: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			drs := openDRs(100, tt.n)
			sb, url := newSandbox(t, drs, sandbox.WithMaxPerPage(7))
			c := newClient(t, url)
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
			if err != nil {
				t.Fatalf("ListDeployRequests() error = %v", err)
			}
			if got, want := numbers(got), sandboxNumbers(drs); !equalInts(got, want) {
				t.Errorf("ListDeployRequests() numbers = %v, want %v", got, want)
			}
			reqs := sb.Requests()
			reads := 2
			if tt.wantPages == 1 {
				reads = 1
			}
			if got, want := len(reqs), reads*tt.wantPages; got != want {
				t.Fatalf("sandbox got %d requests, want %d", got, want)
			}
			for i, r := range reqs {
				if got, want := r.Query["page"], strconv.Itoa(i%tt.wantPages+1); got != want {
					t.Errorf("request %d page = %q, want %q", i+1, got, want)
				}
			}
		})
	}
}

func TestListDeployRequests_escapesPath(t *testing.T) {
	t.Parallel()

	const org, db = "acme inc", "shop/eu?x#1%"
	sb := sandbox.New(
		sandbox.WithDatabase(sandbox.Database{Organization: org, Name: db, DeployRequests: openDRs(2, 2)}),
		sandbox.WithToken(sandbox.Token{ID: testID, Secret: testSecret, Grants: map[string][]string{org + "/" + db: {"read_deploy_request"}}}),
	)
	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { sb.ServeHTTP(w, r) })
	c := newClient(t, url)

	got, err := c.ListDeployRequests(testContext(t), org, db, planetscale.ListDeployRequestsOptions{})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := len(got), 2; got != want {
		t.Errorf("len(ListDeployRequests()) = %d, want %d", got, want)
	}
	reqs := sb.Requests()
	if got, want := len(reqs), 1; got != want {
		t.Fatalf("sandbox got %d requests, want %d", got, want)
	}
	if got, want := reqs[0].Path, "/v1/organizations/acme%20inc/databases/shop%2Feu%3Fx%231%25/deploy-requests"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

// TestListDeployRequests_pagingBugs runs the walk against servers that page
// wrongly: each must end in a *PagingError after a bounded number of
// requests, never a partial list.
func TestListDeployRequests_pagingBugs(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		bug          sandbox.PagingBug
		n            int
		maxPages     int
		wantRequests int
		wantProblem  string
	}{
		{name: "ignores_page", bug: sandbox.PagingIgnoresPage, n: 250, maxPages: 50, wantRequests: 2, wantProblem: "asked for page 2"},
		{name: "stuck", bug: sandbox.PagingStuck, n: 250, maxPages: 50, wantRequests: 1, wantProblem: "does not advance"},
		{name: "endless", bug: sandbox.PagingEndless, n: 5, maxPages: 4, wantRequests: 4, wantProblem: "more than 4 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newSandbox(t, openDRs(300, tt.n), sandbox.WithPagingBug(tt.bug))
			c := newClient(t, url, planetscale.WithMaxPages(tt.maxPages))
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
			var pagingErr *planetscale.PagingError
			if !errors.As(err, &pagingErr) {
				t.Fatalf("ListDeployRequests() error = %v, want a *PagingError", err)
			}
			if !strings.Contains(err.Error(), tt.wantProblem) {
				t.Errorf("ListDeployRequests() error = %q, want it to mention %q", err, tt.wantProblem)
			}
			if got != nil {
				t.Errorf("ListDeployRequests() = %d items with an error, want nil", len(got))
			}
			if got, want := len(sb.Requests()), tt.wantRequests; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
		})
	}
}

// TestListDeployRequests_defaultPageBound checks that a server inventing
// pages forever is stopped by the default bound of 1000 pages (with the
// rate budget off: the default budget would take minutes over 1000).
func TestListDeployRequests_defaultPageBound(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3), sandbox.WithPagingBug(sandbox.PagingEndless))
	c := newClient(t, url, planetscale.WithRateLimit(0, 1))
	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	var pagingErr *planetscale.PagingError
	if !errors.As(err, &pagingErr) {
		t.Fatalf("ListDeployRequests() error = %v, want a *PagingError", err)
	}
	if got, want := len(sb.Requests()), 1000; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
}

func TestListDeployRequests_maxPages(t *testing.T) {
	t.Parallel()

	// The bound is per read of the list: two reads of three pages fit 3.
	tests := []struct {
		name         string
		maxPages     int
		wantErr      bool
		wantRequests int
	}{
		{name: "exactly_enough", maxPages: 3, wantRequests: 6},
		{name: "one_too_few", maxPages: 2, wantErr: true, wantRequests: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newSandbox(t, openDRs(250, 250))
			c := newClient(t, url, planetscale.WithMaxPages(tt.maxPages))
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			var pagingErr *planetscale.PagingError
			if got, want := errors.As(err, &pagingErr), tt.wantErr; got != want {
				t.Fatalf("ListDeployRequests() error = %v, want a *PagingError: %v", err, want)
			}
			if !tt.wantErr {
				if got, want := len(got), 250; got != want {
					t.Errorf("len(ListDeployRequests()) = %d, want %d", got, want)
				}
			}
			if got, want := len(sb.Requests()), tt.wantRequests; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
		})
	}
}

// page1Then serves first as page 1 and rest(p) as any later page p.
func page1Then(first any, rest func(p int) any) func(p int) any {
	return func(p int) any {
		if p == 1 {
			return first
		}
		return rest(p)
	}
}

// TestListDeployRequests_badPages serves hand-written pages that do not add
// up or are not a list: each is a *PageError naming the page.
func TestListDeployRequests_badPages(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		// page returns the body for a page number.
		page         func(page int) any
		want         listFailure
		wantRequests int
	}{
		"next_page_same": {
			page:         func(p int) any { return listBody(p, p, 3, p) },
			want:         listFailure{paging: true, page: 1},
			wantRequests: 1,
		},
		"next_page_backwards": {
			page:         page1Then(listBody(1, 2, 3, 1), func(p int) any { return listBody(p, 1, 3, p) }),
			want:         listFailure{paging: true, page: 2},
			wantRequests: 2,
		},
		"next_page_skips_a_page": {
			page:         func(p int) any { return listBody(p, p+2, 3, p) },
			want:         listFailure{paging: true, page: 1},
			wantRequests: 1,
		},
		"next_page_zero": {
			page:         func(p int) any { return listBody(p, 0, 3, p) },
			want:         listFailure{paging: true, page: 1},
			wantRequests: 1,
		},
		"wrong_current_page": {
			page:         page1Then(listBody(1, 2, 3, 1), func(int) any { return listBody(3, nil, 3, 3) }),
			want:         listFailure{paging: true, page: 2},
			wantRequests: 2,
		},
		"no_data": {
			page:         func(p int) any { return map[string]any{"type": "list", "current_page": 1, "next_page": nil} },
			want:         listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}},
			wantRequests: 1,
		},
		"data_null": {
			page: func(p int) any {
				return map[string]any{"type": "list", "current_page": 1, "next_page": nil, "data": nil}
			},
			want:         listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}},
			wantRequests: 1,
		},
		"data_null_on_page_2": {
			page:         page1Then(listBody(1, 2, 1, 1), func(p int) any { return map[string]any{"current_page": p, "next_page": nil, "data": nil} }),
			want:         listFailure{page: 2, is: []error{planetscale.ErrUnexpectedResponse}},
			wantRequests: 2,
		},
		"data_object": {
			page:         func(p int) any { return map[string]any{"current_page": 1, "next_page": nil, "data": map[string]any{}} },
			want:         listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}},
			wantRequests: 1,
		},
		"data_item_wrong_type": {
			page: func(p int) any {
				return map[string]any{"current_page": 1, "next_page": nil, "data": []any{map[string]any{"number": "one"}}}
			},
			want:         listFailure{item: true, page: 1, is: []error{planetscale.ErrMalformedItem}},
			wantRequests: 1,
		},
		"top_level_array": {
			page:         func(p int) any { return []any{map[string]any{"number": 1}} },
			want:         listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}},
			wantRequests: 1,
		},
		"next_page_not_a_number": {
			page:         func(p int) any { return map[string]any{"current_page": 1, "next_page": "2", "data": []any{}} },
			want:         listFailure{page: 1, is: []error{planetscale.ErrUnexpectedResponse}},
			wantRequests: 1,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			rec, url := servePages(t, tt.page)
			c := newClient(t, url)
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			checkListFailure(t, got, err, tt.want)
			if got, want := rec.count(), tt.wantRequests; got != want {
				t.Errorf("server got %d requests, want %d (such answers are not retried)", got, want)
			}
		})
	}
}

// TestListDeployRequests_listChanges changes total_count during a read:
// that read does not count, and the list is read again, at most eight
// times in all.
func TestListDeployRequests_listChanges(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		// total returns total_count for the nth request (from 1).
		total        func(n int) int
		wantErr      bool
		wantRequests int
	}{
		{
			name:         "steady",
			total:        func(int) int { return 3 },
			wantRequests: 4,
		},
		{
			name: "changes_once",
			total: func(n int) int {
				if n == 1 {
					return 4 // one item went away after the first page was read
				}
				return 3
			},
			wantRequests: 6,
		},
		{
			name:         "keeps_changing",
			total:        func(n int) int { return 100 + n },
			wantErr:      true,
			wantRequests: 16,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			// Two pages: 1 and 2 on page 1, 3 on page 2.
			rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.URL.Query().Get("page") == "1" {
					writeJSON(w, http.StatusOK, listBody(1, 2, tt.total(n), 1, 2))
					return
				}
				writeJSON(w, http.StatusOK, listBody(2, nil, tt.total(n), 3))
			})
			c := newClient(t, url)
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			if tt.wantErr {
				wantListChanged(t, err)
			} else {
				if err != nil {
					t.Fatalf("ListDeployRequests() error = %v", err)
				}
				if got, want := numbers(got), []int{1, 2, 3}; !equalInts(got, want) {
					t.Errorf("ListDeployRequests() numbers = %v, want %v (no duplicates from the first read)", got, want)
				}
			}
			if got, want := rec.count(), tt.wantRequests; got != want {
				t.Errorf("server got %d requests, want %d", got, want)
			}
		})
	}
}

// TestListDeployRequests_decoding reads what the sandbox sends as the real
// API does: unknown fields, null notes and timestamps, a missing deployment.
func TestListDeployRequests_decoding(t *testing.T) {
	t.Parallel()

	created := time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)
	drs := []sandbox.DeployRequest{
		{Number: 12, Branch: "add-index", IntoBranch: "main", Approved: true, State: "open", DeploymentState: "ready", Deployable: true, Notes: "Adds an index | fast", CreatedAt: created},
		{Number: 11, Branch: "drop-col", IntoBranch: "main", State: "open", DeploymentState: "pending", CreatedAt: created},
		{Number: 10, Branch: "no-deployment", IntoBranch: "staging", State: "open", DeploymentState: "queued", Deployable: true, OmitDeployment: true, CreatedAt: created},
		{Number: 9, Branch: "done", IntoBranch: "main", Approved: true, State: "closed", DeploymentState: "complete", Deployable: true, CreatedAt: created},
	}
	_, url := newSandbox(t, drs)
	c := newClient(t, url)
	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := len(got), len(drs); got != want {
		t.Fatalf("len(ListDeployRequests()) = %d, want %d", got, want)
	}

	ready := got[0]
	if ready.ID == "" {
		t.Error("ID is empty")
	}
	if got, want := ready.Number, 12; got != want {
		t.Errorf("Number = %d, want %d", got, want)
	}
	if got, want := ready.Branch, "add-index"; got != want {
		t.Errorf("Branch = %q, want %q", got, want)
	}
	if got, want := ready.IntoBranch, "main"; got != want {
		t.Errorf("IntoBranch = %q, want %q", got, want)
	}
	if got, want := ready.Approved, true; got != want {
		t.Errorf("Approved = %v, want %v", got, want)
	}
	if got, want := ready.State, "open"; got != want {
		t.Errorf("State = %q, want %q", got, want)
	}
	if got, want := ready.DeploymentState, "ready"; got != want {
		t.Errorf("DeploymentState = %q, want %q", got, want)
	}
	if got, want := ready.Notes, "Adds an index | fast"; got != want {
		t.Errorf("Notes = %q, want %q", got, want)
	}
	if got, want := ready.HTMLURL, "https://app.planetscale.com/acme/shop/deploy-requests/12"; got != want {
		t.Errorf("HTMLURL = %q, want %q", got, want)
	}
	if got, want := ready.CreatedAt, created; !got.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", got, want)
	}
	if ready.Deployment == nil {
		t.Fatal("Deployment = nil, want the deployment")
	}
	if got, want := ready.Deployment.State, "ready"; got != want {
		t.Errorf("Deployment.State = %q, want %q", got, want)
	}
	if got, want := ready.Deployable(), true; got != want {
		t.Errorf("Deployable() = %v, want %v", got, want)
	}
	if ready.ClosedAt != nil || ready.DeployedAt != nil {
		t.Errorf("ClosedAt, DeployedAt = %v, %v, want nil for null", ready.ClosedAt, ready.DeployedAt)
	}

	pending := got[1]
	if got, want := pending.Notes, ""; got != want {
		t.Errorf("Notes of a null = %q, want %q", got, want)
	}
	if got, want := pending.Deployable(), false; got != want {
		t.Errorf("Deployable() of an undeployable request = %v, want %v", got, want)
	}

	missing := got[2]
	if missing.Deployment != nil {
		t.Errorf("Deployment = %+v, want nil when the API leaves it out", missing.Deployment)
	}
	if got, want := missing.Deployable(), false; got != want {
		t.Errorf("Deployable() without a deployment = %v, want %v", got, want)
	}
	if got, want := missing.DeploymentState, "queued"; got != want {
		t.Errorf("DeploymentState = %q, want %q", got, want)
	}

	closed := got[3]
	if closed.ClosedAt == nil || closed.DeployedAt == nil {
		t.Errorf("ClosedAt, DeployedAt = %v, %v, want both set", closed.ClosedAt, closed.DeployedAt)
	}
}

// TestListDeployRequests_minimalItems decodes hand-written items that hold
// the required fields and leave out or null everything else.
func TestListDeployRequests_minimalItems(t *testing.T) {
	t.Parallel()

	const required = `"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready"`
	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[
			{"number":1,` + required + `},
			{"number":2,` + required + `,"notes":null,"deployment":null,"closed_at":null,"deployed_at":null,"future_field":{"a":[1,2]}},
			{"number":3,` + required + `,"deployment":{"deployable":true,"state":"ready","lint_errors":[{"x":1}]}}
		],"next_page":null,"current_page":1,"links":{"self":"x"}}`))
	})
	c := newClient(t, url)
	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := numbers(got), []int{1, 2, 3}; !equalInts(got, want) {
		t.Fatalf("numbers = %v, want %v", got, want)
	}
	for i, want := range []bool{false, false, true} {
		if got := got[i].Deployable(); got != want {
			t.Errorf("item %d Deployable() = %v, want %v", i+1, got, want)
		}
	}
	if got[1].Notes != "" || got[1].Deployment != nil || got[1].ClosedAt != nil {
		t.Errorf("item 2 = %+v, want zero values for nulls", got[1])
	}
}

func TestListDeployRequests_notFound(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, org, db string
		grants        []string
	}{
		{name: "no_grant", org: testOrg, db: testDB, grants: []string{"read_branch"}},
		{name: "unknown_database", org: testOrg, db: "nope", grants: []string{"read_deploy_request"}},
		{name: "unknown_organization", org: "nope", db: testDB, grants: []string{"read_deploy_request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			token := sandbox.Token{ID: "other1234567", Secret: "pscale_tkn_otherSecret", Grants: map[string][]string{testOrg + "/" + testDB: tt.grants}}
			sb, url := newSandbox(t, openDRs(3, 3), sandbox.WithToken(token))
			c := newClient(t, url, planetscale.WithCredentials(planetscale.Credentials{ID: token.ID, Secret: token.Secret}))
			_, err := c.ListDeployRequests(testContext(t), tt.org, tt.db, planetscale.ListDeployRequestsOptions{})
			if !errors.Is(err, planetscale.ErrNotFound) {
				t.Fatalf("ListDeployRequests() error = %v, want ErrNotFound", err)
			}
			var apiErr *planetscale.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("ListDeployRequests() error = %T, want an *APIError in the chain", err)
			}
			if got, want := apiErr.Code, "not_found"; got != want {
				t.Errorf("Code = %q, want %q", got, want)
			}
			if got, want := err.Error(), "list deploy requests: page 1: PlanetScale API answered 404 Not Found (not_found: Not Found)"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
			if got, want := len(sb.Requests()), 1; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
		})
	}
}
