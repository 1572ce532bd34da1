package planetscale

import (
	"encoding/json"
	"fmt"
)

// pageCount returns how many pages the list has by the totals page 1 sent:
// total_pages, or else total_count and per_page; 0 when it sent neither, so
// that the walk follows next_page one page after another. Totals that
// cannot be read, are negative or contradict each other are a
// *PagingError: pages fetched by a wrong count would not be the list.
func (p *listPage[T]) pageCount() (int, error) {
	perPage, err := totalField("per_page", p.perPage)
	if err != nil {
		return 0, err
	}
	pages, err := totalField("total_pages", p.totalPages)
	if err != nil {
		return 0, err
	}
	byCount := 0
	if p.total >= 0 && perPage > 0 {
		byCount = max(1, p.total/perPage)
		if p.total > perPage && p.total%perPage != 0 {
			byCount++
		}
	}
	if pages < 0 {
		return byCount, nil
	}
	pages = max(1, pages) // an empty list may count no pages; it has its one
	if byCount > 0 && pages != byCount {
		return 0, &PagingError{Problem: fmt.Sprintf("total_pages is %d, but total_count %d makes %d pages at the page size the API sent", pages, p.total, byCount)}
	}
	return pages, nil
}

// totalField reads a count of the envelope, raw: a number that is not
// negative, or -1 when absent or null.
func totalField(name string, raw json.RawMessage) (int, error) {
	var n *int
	if raw == nil {
		return -1, nil
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%w: %s is %s, not a whole number", ErrUnexpectedResponse, name, quoteText(string(raw)))
	}
	if n == nil {
		return -1, nil
	}
	if *n < 0 {
		return 0, &PagingError{Problem: fmt.Sprintf("%s is %d", name, *n)}
	}
	return *n, nil
}

// fitsCount checks page n against the page count of page 1's totals:
// every page but the last names the next one, the last names none.
func (p *listPage[T]) fitsCount(n, pages int) error {
	switch {
	case n < pages && p.next == 0:
		return &PagingError{Problem: fmt.Sprintf("page %d names no next page, but the totals of page 1 make %d pages: the list would end early", n, pages)}
	case n >= pages && p.next != 0:
		return &PagingError{Problem: fmt.Sprintf("page %d names next page %d, but the totals of page 1 make %d pages", n, p.next, pages)}
	}
	return nil
}
