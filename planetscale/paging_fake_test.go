package planetscale_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// fakeDR is a deploy request as the scripted fake API holds it.
type fakeDR struct {
	Number          int
	Approved        bool
	State           string
	DeploymentState string
	Branch          string
	IntoBranch      string
}

// summary is the part of a deploy request a gate judges by, one line.
func (d fakeDR) summary() string {
	return fmt.Sprintf("#%d approved=%t %s/%s %s→%s", d.Number, d.Approved, d.State, d.DeploymentState, d.Branch, d.IntoBranch)
}

// drSummaries sums up deploy requests the client returned, in order.
func drSummaries(drs []planetscale.DeployRequest) []string {
	out := make([]string, len(drs))
	for i, dr := range drs {
		out[i] = fakeDR{dr.Number, dr.Approved, dr.State, dr.DeploymentState, dr.Branch, dr.IntoBranch}.summary()
	}
	return out
}

// fakeSummaries sums up the fake's deploy requests, in order.
func fakeSummaries(drs []fakeDR) []string {
	out := make([]string, len(drs))
	for i, d := range drs {
		out[i] = d.summary()
	}
	return out
}

// fakeOpen returns n open deploy requests numbered from first down (newest
// first, as the API lists them); approved picks which are approved.
func fakeOpen(first, n int, approved func(number int) bool) []fakeDR {
	drs := make([]fakeDR, 0, n)
	for i := range n {
		num := first - i
		drs = append(drs, fakeDR{num, approved(num), "open", "ready", "feature-" + strconv.Itoa(num), "main"})
	}
	return drs
}

// jsonField is one key of a JSON object and its raw value; a raw key is
// written as it is, quotes and escapes included.
type jsonField struct {
	key, raw string
	rawKey   bool
}

// jsonObject is a JSON object kept as ordered fields, so that a test can write
// what encoding/json never would: a key twice, a key in another case.
type jsonObject []jsonField

// jsonRaw is a value already in JSON.
type jsonRaw string

func jsonOf(v any) string {
	if r, ok := v.(jsonRaw); ok {
		return string(r)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func (o jsonObject) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		key := f.key
		if !f.rawKey {
			key = strconv.Quote(key)
		}
		b.WriteString(key + ":" + f.raw)
	}
	b.WriteByte('}')
	return b.String()
}

// set gives every field named key the value v, or adds the field.
func (o jsonObject) set(key string, v any) jsonObject {
	o = slices.Clone(o)
	found := false
	for i := range o {
		if o[i].key == key {
			o[i].raw, found = jsonOf(v), true
		}
	}
	if !found {
		o = append(o, jsonField{key: key, raw: jsonOf(v)})
	}
	return o
}

// add appends a field, even when one of that name exists.
func (o jsonObject) add(key string, v any) jsonObject {
	return append(slices.Clone(o), jsonField{key: key, raw: jsonOf(v)})
}

// addRawKey appends a field whose key is written as rawKey, quotes and
// escapes included.
func (o jsonObject) addRawKey(rawKey string, v any) jsonObject {
	return append(slices.Clone(o), jsonField{key: rawKey, raw: jsonOf(v), rawKey: true})
}

// drop removes every field named key.
func (o jsonObject) drop(key string) jsonObject {
	return slices.DeleteFunc(slices.Clone(o), func(f jsonField) bool { return f.key == key })
}

// rename renames every field named from.
func (o jsonObject) rename(from, to string) jsonObject {
	o = slices.Clone(o)
	for i := range o {
		if o[i].key == from {
			o[i].key = to
		}
	}
	return o
}

// get returns the raw value of the first field named key.
func (o jsonObject) get(key string) (string, bool) {
	for _, f := range o {
		if f.key == key {
			return f.raw, true
		}
	}
	return "", false
}

// json renders a deploy request with every field the client requires,
// a nested deployment and fields the client ignores.
func (d fakeDR) json() jsonObject {
	return jsonObject{}.
		set("id", fmt.Sprintf("dr%010d", d.Number)).
		set("type", "DeployRequest").
		set("number", d.Number).
		set("branch", d.Branch).
		set("into_branch", d.IntoBranch).
		set("approved", d.Approved).
		set("state", d.State).
		set("deployment_state", d.DeploymentState).
		set("deployment", jsonRaw(jsonObject{}.set("state", d.DeploymentState).set("deployable", true).set("lint_errors", jsonRaw("[]")).String())).
		set("notes", nil).
		set("html_url", fmt.Sprintf("https://app.planetscale.com/acme/shop/deploy-requests/%d", d.Number)).
		set("created_at", "2026-11-01T09:00:00.000Z").
		set("closed_at", nil)
}

// fakeCall is one request the fake answered: its number from 1, the walk it
// belongs to (a request for page 1 starts a walk, unless it repeats one
// answered with a fault) and the page asked for.
type fakeCall struct{ N, Walk, Page int }

// fakeAnswer is a canned answer that replaces a page.
type fakeAnswer struct {
	status int
	header map[string]string
	body   string
}

// fakeRateLimited is a 429 asking for a wait.
func fakeRateLimited(retryAfter string) *fakeAnswer {
	return &fakeAnswer{http.StatusTooManyRequests, map[string]string{"Retry-After": retryAfter}, `{"code":"rate_limited","message":"Rate limit exceeded"}`}
}

// fakeAPI serves a list of deploy requests page by page, as the API
// documents it, from a list a script may change between answers (the list
// moving) and answers a script may rewrite (the API lying).
type fakeAPI struct {
	mu      sync.Mutex
	drs     []fakeDR
	perPage int
	noTotal bool
	// before runs before each answer, with the lock held: it may change
	// drs, or return an answer to send instead of the page.
	before func(a *fakeAPI, c fakeCall) *fakeAnswer
	// edit rewrites a page, with the lock held: its envelope without data,
	// and its items.
	edit func(a *fakeAPI, c fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject)

	calls   []fakeCall
	faulted bool // the last answer was a canned one
}

// fakeOption configures a fakeAPI.
type fakeOption func(*fakeAPI)

func withPerPage(n int) fakeOption { return func(a *fakeAPI) { a.perPage = n } }

func withoutTotal() fakeOption { return func(a *fakeAPI) { a.noTotal = true } }

func withBefore(fn func(a *fakeAPI, c fakeCall) *fakeAnswer) fakeOption {
	return func(a *fakeAPI) { a.before = fn }
}

func withEdit(fn func(a *fakeAPI, c fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject)) fakeOption {
	return func(a *fakeAPI) { a.edit = fn }
}

// newFakeAPI serves drs on an httptest server and returns a client for it;
// clientOpts go to newClient.
func newFakeAPI(t *testing.T, drs []fakeDR, opts []fakeOption, clientOpts ...planetscale.Option) (*fakeAPI, *planetscale.Client) {
	t.Helper()
	a := &fakeAPI{drs: slices.Clone(drs), perPage: planetscale.PerPage}
	for _, opt := range opts {
		opt(a)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return a, newClient(t, srv.URL, clientOpts...)
}

func (a *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		http.Error(w, `{"code":"bad_request","message":"Invalid page"}`, http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	walk := 0
	if n := len(a.calls); n > 0 {
		walk = a.calls[n-1].Walk
	}
	if page == 1 && !(a.faulted && len(a.calls) > 0 && a.calls[len(a.calls)-1].Page == 1) {
		walk++
	}
	c := fakeCall{N: len(a.calls) + 1, Walk: walk, Page: page}
	a.calls = append(a.calls, c)
	a.faulted = false
	if a.before != nil {
		if ans := a.before(a, c); ans != nil {
			a.faulted = true
			for k, v := range ans.header {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(ans.status)
			_, _ = w.Write([]byte(ans.body))
			return
		}
	}
	env, items := a.page(page)
	if a.edit != nil {
		env, items = a.edit(a, c, env, items)
	}
	if _, ok := env.get("data"); !ok {
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = it.String()
		}
		env = env.set("data", jsonRaw("["+strings.Join(parts, ",")+"]"))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(env.String()))
}

// page renders page n of the list as it stands: the envelope (without
// data) and the items.
func (a *fakeAPI) page(n int) (jsonObject, []jsonObject) {
	start := min((n-1)*a.perPage, len(a.drs))
	end := min(start+a.perPage, len(a.drs))
	items := make([]jsonObject, 0, end-start)
	for _, d := range a.drs[start:end] {
		items = append(items, d.json())
	}
	pageURL := func(p int) any {
		return fmt.Sprintf("https://api.planetscale.com/v1/organizations/acme/databases/shop/deploy-requests?page=%d", p)
	}
	var next, nextURL any // null on the last page
	if end < len(a.drs) {
		next, nextURL = n+1, pageURL(n+1)
	}
	env := jsonObject{}.set("type", "list").set("current_page", n).set("per_page", a.perPage).
		set("next_page", next).set("next_page_url", nextURL)
	if !a.noTotal {
		env = env.set("total_count", len(a.drs)).set("total_pages", max(1, (len(a.drs)+a.perPage-1)/a.perPage))
	}
	return env, items
}

// pages returns the pages asked for, in order, as "1,2,1,2".
func (a *fakeAPI) pages() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := make([]string, len(a.calls))
	for i, c := range a.calls {
		s[i] = strconv.Itoa(c.Page)
	}
	return strings.Join(s, ",")
}

// list returns the list as it stands.
func (a *fakeAPI) list() []fakeDR {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.drs)
}

// remove closes the deploy request numbered n: it leaves the open list.
func (a *fakeAPI) remove(n int) {
	a.drs = slices.DeleteFunc(a.drs, func(d fakeDR) bool { return d.Number == n })
}

// find returns the deploy request numbered n.
func (a *fakeAPI) find(n int) *fakeDR {
	for i := range a.drs {
		if a.drs[i].Number == n {
			return &a.drs[i]
		}
	}
	return nil
}
