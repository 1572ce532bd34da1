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
	byCount := 0
	if p.total >= 0 && p.perPage != nil {
		perPage, err := totalField("per_page", p.perPage)
		switch {
		case err != nil:
			return 0, err
		case perPage > 0:
			byCount = max(1, p.total/perPage)
			if p.total > perPage && p.total%perPage != 0 {
				byCount++
			}
		}
	}
	if p.totalPages == nil {
		return byCount, nil
	}
	pages, err := totalField("total_pages", p.totalPages)
	if err != nil {
		return 0, err
	}
	pages = max(1, pages) // an empty list may count no pages; it has its one
	if byCount > 0 && pages != byCount {
		return 0, &PagingError{Problem: fmt.Sprintf("total_pages is %d, but total_count %d makes %d pages at the page size the API sent", pages, p.total, byCount)}
	}
	return pages, nil
}

// totalField reads a total of the envelope: a number that is not negative,
// or null for 0.
func totalField(name string, raw json.RawMessage) (int, error) {
	var n *int
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%w: %s is %s, not a whole number", ErrUnexpectedResponse, name, quoteText(string(raw)))
	}
	if n == nil {
		return 0, nil
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
