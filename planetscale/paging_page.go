package planetscale

import (
	"encoding/json"
	"errors"
	"fmt"
)

// listPage is one page of a list, checked on its own.
type listPage[T any] struct {
	items []T
	keys  []itemKey
	// next is the next page's number, 0 on the last page.
	next int
	// total is total_count, or -1 when the page did not send it.
	total int
	// totalPages and perPage are the raw total_pages and per_page (copies,
	// so as not to hold the answer), nil when absent.
	totalPages, perPage json.RawMessage
}

// itemKey identifies an item and fingerprints what must not change.
type itemKey struct{ key, fingerprint string }

// checkPage decodes the answer raw to page n of a list and checks it on its
// own, as one page can be checked without the others: a list envelope
// (strictly decoded) with a data array, the page asked for when
// current_page is sent, a next_page key that is null or n+1 (an absent key
// is not the end; next_page_url is not followed), a total_count that is
// not negative, and every item strictly decoded with a valid key, no key
// twice on the page. Errors are to be wrapped in a *PageError for page n.
func checkPage[T any](n int, raw []byte, spec *ListSpec[T]) (*listPage[T], error) {
	// On a failed item the page is decoded as far as it goes: the
	// envelope's checks come first, and the item is named if it can be.
	env, err := decodePage[T](raw, spec.Required)
	items := env.Data
	var failed *itemFailure
	if errors.As(err, &failed) {
		if failed.index >= len(items) {
			return nil, &ItemError{Index: failed.index + 1, Item: spec.Noun, Problem: failed.err.Error()}
		}
	} else if err != nil {
		return nil, fmt.Errorf("%w: not a list page: %v", ErrUnexpectedResponse, err)
	}
	if items == nil {
		return nil, fmt.Errorf("%w: it has no \"data\" list", ErrUnexpectedResponse)
	}
	if env.CurrentPage != nil && *env.CurrentPage != n {
		return nil, &PagingError{Problem: fmt.Sprintf("asked for page %d but the API answered with page %d", n, *env.CurrentPage)}
	}
	p := &listPage[T]{total: -1, totalPages: json.RawMessage(env.TotalPages), perPage: json.RawMessage(env.PerPage)}
	switch next := string(env.NextPage); {
	case next == "":
		return nil, &PagingError{Problem: "the answer has no next_page, so it cannot tell whether more pages follow (a next_page_url is not followed)"}
	case next == "null":
	default:
		if err := json.Unmarshal(env.NextPage, &p.next); err != nil {
			return nil, fmt.Errorf("%w: next_page is %s, not a page number", ErrUnexpectedResponse, quoteText(next))
		}
		if p.next <= n {
			return nil, &PagingError{Problem: fmt.Sprintf("page %d names next page %d, which does not advance", n, p.next)}
		}
		if p.next != n+1 {
			return nil, &PagingError{Problem: fmt.Sprintf("page %d names next page %d, which would skip a page", n, p.next)}
		}
	}
	if env.TotalCount != nil {
		if *env.TotalCount < 0 {
			return nil, &PagingError{Problem: fmt.Sprintf("total_count is %d", *env.TotalCount)}
		}
		p.total = *env.TotalCount
	}
	if err := p.keyItems(items, failed, spec); err != nil {
		return nil, err
	}
	return p, nil
}

// keyItems keys each decoded item, in order up to the one that failed, if
// any: the first item that is malformed or has no valid key is an
// *ItemError, a key twice on the page a *PagingError.
func (p *listPage[T]) keyItems(items []T, failed *itemFailure, spec *ListSpec[T]) error {
	p.items = items
	p.keys = make([]itemKey, len(items))
	onPage := make(map[string]int, len(items))
	for i := range items {
		key, fingerprint, keyErr := spec.Key(items[i])
		if keyErr != nil {
			key = ""
		}
		switch {
		case failed != nil && failed.index == i:
			return &ItemError{Index: i + 1, Item: itemName(spec.Noun, key), Problem: failed.err.Error()}
		case keyErr != nil:
			return &ItemError{Index: i + 1, Item: itemName(spec.Noun, key), Problem: keyErr.Error()}
		}
		if j, dup := onPage[key]; dup {
			if err := spec.conflict(key, p.keys[j].fingerprint, fingerprint); err != nil {
				return err
			}
			return &PagingError{Problem: fmt.Sprintf("%s appears twice on the page (items %d and %d)", itemName(spec.Noun, key), j+1, i+1)}
		}
		onPage[key] = i
		p.keys[i] = itemKey{key, fingerprint}
	}
	return nil
}
