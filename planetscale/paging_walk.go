package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
)

// walk is one pass over a list's pages, fed page by page in order.
type walk[T any] struct {
	spec  *ListSpec[T]
	items []T
	// keys holds each item's key, in the order of items.
	keys []string
	// seen maps each key read to its fingerprint.
	seen map[string]string
	// total is the total_count the pages sent, -1 while none did.
	total int
	pages int
	// void says why the walk does not count, "" while it does.
	void string
}

// walkPlan carries what one walk of a list tells the next.
type walkPlan struct {
	// pages is the page count the totals of the latest page 1 gave (see
	// pageCount), 0 for none: a confirming walk asks for that many pages
	// at once.
	pages int
	// firstPage, when set, is called once page 1 of the first walk is read.
	firstPage func()
}

// maxPresized bounds the room a walk makes at once for the total_count
// items its first page announces, which may be a lie.
const maxPresized = 1 << 14

// walkOnce reads the list's pages once, until next_page is null or the walk
// turns out not to count; number is the walk's, from 1. Pages are taken
// and checked in page order, however they are fetched: one after another,
// or (WithPageConcurrency) at once when the totals of page 1 give the page
// count, every page then checked against that count too.
func walkOnce[T any](ctx context.Context, c *Client, path string, query url.Values, number int, spec *ListSpec[T], plan *walkPlan) (*walk[T], error) {
	concurrent := c.pace.pages > 1
	f := newPageFetcher(ctx, c.pace.pages, func(ctx context.Context, n int) (*listPage[T], error) {
		return fetchPage(ctx, c, path, query, pageRef{n, number}, spec)
	})
	defer f.close()
	f.want(min(plan.pages, c.maxPages))
	w := &walk[T]{spec: spec, seen: map[string]string{}, total: -1}
	pages := 0 // the page count of page 1's totals; 0: follow next_page
	for n := 1; ; {
		if w.pages == c.maxPages {
			return nil, &PagingError{Problem: fmt.Sprintf("more than %d pages: stopped so as not to loop", c.maxPages)}
		}
		p, err := f.page(n)
		if err != nil {
			return nil, err
		}
		w.pages++
		if n == 1 {
			if plan.firstPage != nil {
				plan.firstPage()
				plan.firstPage = nil
			}
			if concurrent {
				if pages, err = firstPageCount(p, c.maxPages); err != nil {
					return nil, &PageError{Page: n, Walk: number, Err: err}
				}
				plan.pages = pages
				if pages > 0 {
					// Once: a later call would start again pages that
					// dropAfter cancelled after a failed one.
					f.dropAfter(pages)
					f.want(pages)
				}
			}
		}
		if err := w.add(n, p); err != nil {
			return nil, &PageError{Page: n, Walk: number, Err: err}
		}
		if w.void != "" {
			return w, nil
		}
		if p.next == 0 {
			if err := w.finish(); err != nil {
				return nil, &PageError{Page: n, Walk: number, Err: err}
			}
		}
		if pages > 0 {
			if err := p.fitsCount(n, pages); err != nil {
				return nil, &PageError{Page: n, Walk: number, Err: err}
			}
		}
		if p.next == 0 {
			return w, nil
		}
		n = p.next
	}
}

// firstPageCount returns the page count of page 1's totals (see
// pageCount), which must not pass maxPages.
func firstPageCount[T any](p *listPage[T], maxPages int) (int, error) {
	pages, err := p.pageCount()
	if err == nil && pages > maxPages {
		err = &PagingError{Problem: fmt.Sprintf("the totals make %d pages, more than %d: stopped so as not to loop", pages, maxPages)}
	}
	return pages, err
}

// pageRef names a page of one walk.
type pageRef struct{ number, walk int }

// fetchPage reads page p and checks it on its own; the raw answer is
// dropped once decoded.
func fetchPage[T any](ctx context.Context, c *Client, path string, query url.Values, p pageRef, spec *ListSpec[T]) (*listPage[T], error) {
	query = maps.Clone(query) // pages may be fetched at once
	query.Set("page", strconv.Itoa(p.number))
	var raw json.RawMessage
	if err := c.get(ctx, path, query, &raw); err != nil {
		return nil, &PageError{Page: p.number, Walk: p.walk, Err: err}
	}
	lp, err := checkPage(p.number, raw, spec)
	if err != nil {
		return nil, &PageError{Page: p.number, Walk: p.walk, Err: err}
	}
	return lp, nil
}

// add takes page n, the next in order. It fails when the pages cannot come
// from one list, however it moved; it sets w.void when they can, but the
// list moved between them.
func (w *walk[T]) add(n int, p *listPage[T]) error {
	if w.items == nil && p.total > 0 { // room for the list at once, within reason
		w.items = make([]T, 0, min(p.total, maxPresized))
		w.keys = make([]string, 0, min(p.total, maxPresized))
	}
	fresh, repeats := 0, 0
	for i, k := range p.keys {
		if fingerprint, ok := w.seen[k.key]; ok {
			if err := w.spec.conflict(k.key, fingerprint, k.fingerprint); err != nil {
				return err
			}
			repeats++
			continue
		}
		w.seen[k.key] = k.fingerprint
		w.items = append(w.items, p.items[i])
		w.keys = append(w.keys, k.key)
		fresh++
	}
	if fresh == 0 && len(p.keys) > 0 && p.next != 0 {
		return &PagingError{Problem: fmt.Sprintf("page %d holds only %s of earlier pages, yet names a next page: the API may be serving an earlier page again", n, nounPlural(w.spec.Noun))}
	}
	switch {
	case repeats > 0:
		w.void = fmt.Sprintf("page %d repeated %s of earlier pages", n, nounCount(repeats, w.spec.Noun))
	case p.total >= 0 && w.total >= 0 && p.total != w.total:
		w.void = fmt.Sprintf("total_count went from %d to %d on page %d", w.total, p.total, n)
	}
	if p.total >= 0 {
		w.total = p.total
	}
	return nil
}

// finish checks a walk that reached its last page.
func (w *walk[T]) finish() error {
	switch read := len(w.seen); {
	case w.total < 0 || read == w.total:
		return nil
	case read < w.total:
		return &PagingError{Problem: fmt.Sprintf("the list ended early: total_count is %d but its pages held %s", w.total, nounCount(read, w.spec.Noun))}
	default:
		return &PagingError{Problem: fmt.Sprintf("the list does not add up: total_count is %d but its pages held %s", w.total, nounCount(read, w.spec.Noun))}
	}
}

// nounCount returns "1 deploy request", "2 deploy requests".
func nounCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + nounPlural(noun)
}

// nounPlural returns the plural of an English noun: "branches", "databases".
func nounPlural(noun string) string {
	for _, end := range []string{"s", "x", "z", "ch", "sh"} {
		if strings.HasSuffix(noun, end) {
			return noun + "es"
		}
	}
	return noun + "s"
}
