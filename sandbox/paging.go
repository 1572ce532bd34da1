package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// The API's page sizes: 25 a page unless per_page asks otherwise, at most 100.
const (
	defaultPerPage = 25
	maxPerPage     = 100
)

// servePage answers one page of any list in the API's envelope:
//
//	{"type":"list","current_page":…,"per_page":…,"next_page":…|null,
//	 "next_page_url":…|null,"prev_page":…|null,"prev_page_url":…|null,
//	 "total_count":…,"total_pages":…,"data":[…]}
//
// totals adds total_count and total_pages, which the API documents for every
// list but the organizations'. The page URLs point at the sandbox itself and
// keep the request's query. The server's paging bug, AfterPage hooks and
// rewrites apply here, so they apply to every list.
func servePage[T any](s *Server, w http.ResponseWriter, r *http.Request, name string, all []T, totals bool, render func(T) any) {
	page, perPage, ok := pageSize(r.URL.Query(), s.perPageCap(name))
	if !ok {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid page or per_page")
		return
	}
	// current is the page the envelope names; from is the page whose items
	// it carries. They differ only under a paging bug.
	current, from := page, page
	switch s.paging {
	case PagingIgnoresPage:
		current, from = 1, 1
	case PagingEchoesPage:
		from = 1
	}
	pages := (len(all) + perPage - 1) / perPage
	start := min(min(from-1, pages)*perPage, len(all)) // no overflow for a huge page
	end := min(start+perPage, len(all))
	items := make([]any, 0, end-start)
	for _, it := range all[start:end] {
		items = append(items, render(it))
	}
	var next, prev any // null on the last and on the first page
	switch more := current < pages; {
	case s.paging == PagingEndless:
		next = current + 1
	case !more:
	case s.paging == PagingStuck:
		next = current
	default:
		next = current + 1
	}
	if current > 1 {
		prev = current - 1
	}
	body := map[string]any{
		"type":          "list",
		"current_page":  current,
		"per_page":      perPage,
		"next_page":     next,
		"next_page_url": pageURL(r, next),
		"prev_page":     prev,
		"prev_page_url": pageURL(r, prev),
		"data":          items,
	}
	if totals {
		body["total_count"] = len(all)
		body["total_pages"] = max(1, pages)
	}
	s.pageServed(ServedPage{Route: name, Page: current, PerPage: perPage, Query: r.URL.Query()})
	s.writeObject(w, name, body)
}

// pageSize reads page and per_page with the API's defaults, capping
// per_page at the server's maximum.
func pageSize(q url.Values, maxPerPage int) (page, perPage int, ok bool) {
	page, ok = pageParam(q.Get("page"))
	if !ok {
		return 0, 0, false
	}
	perPage = defaultPerPage
	if p := q.Get("per_page"); p != "" {
		var err error
		if perPage, err = strconv.Atoi(p); err != nil || perPage < 1 {
			return 0, 0, false
		}
	}
	return page, min(perPage, maxPerPage), true
}

// pageParam reads a page number: 1 when absent, false when not a number
// of at least 1.
func pageParam(p string) (int, bool) {
	if p == "" {
		return 1, true
	}
	n, err := strconv.Atoi(p)
	return n, err == nil && n >= 1
}

// apiBase is the sandbox's own address as the client reached it: http,
// or https when the sandbox is served over TLS.
func apiBase(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// pageURL is the URL of page p of the list r asked for, with r's query kept;
// nil (JSON null) when p is.
func pageURL(r *http.Request, p any) any {
	if p == nil {
		return nil
	}
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(p.(int)))
	return apiBase(r) + r.URL.EscapedPath() + "?" + q.Encode()
}

// writeObject answers 200 with body after the rewrites.
func (s *Server) writeObject(w http.ResponseWriter, name string, body map[string]any) {
	for _, rw := range s.rewrites {
		body = rw(name, body)
	}
	writeJSON(w, http.StatusOK, body)
}

func writeNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "not_found", "Not Found")
}

func writeUnauthorized(w http.ResponseWriter) {
	writeError(w, http.StatusUnauthorized, "unauthorized", "The access token is invalid, has expired or has been revoked")
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
