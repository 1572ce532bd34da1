package ghsandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pageRange is one page of a list, as GitHub's per_page and page ask for it.
type pageRange struct {
	page, perPage int
}

// pageOf reads per_page (default 30, at most the server's page size) and
// page (default 1) the way GitHub does: values that are not positive
// numbers fall back to the defaults.
func (s *Server) pageOf(r *http.Request) pageRange {
	p := pageRange{page: 1, perPage: 30}
	if n, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && n > 0 {
		p.perPage = n
	}
	p.perPage = min(p.perPage, s.pageSize, 100)
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 {
		p.page = n
	}
	return p
}

// bounds returns the part of a list of n items the page holds.
func (p pageRange) bounds(n int) (start, end int) {
	start = min((p.page-1)*p.perPage, n)
	return start, min(start+p.perPage, n)
}

// last returns the number of the last page of n items (1 when empty).
func (p pageRange) last(n int) int { return max((n+p.perPage-1)/p.perPage, 1) }

// setLink writes GitHub's Link header for a list of n items: prev and
// first before, next and last after, each the same address on this server
// with another page.
func (s *Server) setLink(w http.ResponseWriter, r *http.Request, p pageRange, n int) {
	last := p.last(n)
	if last == 1 && p.page == 1 {
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	at := func(page int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		u := url.URL{Scheme: scheme, Host: r.Host, Path: s.prefix + r.URL.Path, RawQuery: q.Encode()}
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if p.page > 1 {
		links = append(links, at(min(p.page-1, last), "prev"))
	}
	if p.page < last {
		links = append(links, at(p.page+1, "next"), at(last, "last"))
	}
	if p.page > 1 {
		links = append(links, at(1, "first"))
	}
	w.Header().Set("Link", strings.Join(links, ", "))
}

// pageItems cuts items to the asked page, sets the Link header, and
// returns the page converted by conv.
func pageItems[T, J any](s *Server, w http.ResponseWriter, r *http.Request, items []T, conv func(T) J) []J {
	p := s.pageOf(r)
	s.setLink(w, r, p, len(items))
	start, end := p.bounds(len(items))
	out := make([]J, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, conv(it))
	}
	return out
}
