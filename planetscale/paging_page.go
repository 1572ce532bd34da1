package planetscale

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
)

// listEnvelope is the envelope of every page-based list answer. next_page
// stays raw to tell a null (the last page) from a missing key; total_pages
// and per_page stay raw too, read only to fetch pages at once (see
// pageCount), so that a walk one page after another never fails on them.
type listEnvelope struct {
	Data        json.RawMessage `json:"data"`
	CurrentPage *int            `json:"current_page"`
	NextPage    json.RawMessage `json:"next_page"`
	TotalCount  *int            `json:"total_count"`
	TotalPages  json.RawMessage `json:"total_pages"`
	PerPage     json.RawMessage `json:"per_page"`
}

// decodeEnvelope reads a list page's envelope as strictly as decodeStrict
// would (no key twice, no field's name in another case) but leaves its
// data undecoded: Data and NextPage are slices of raw, not copies. raw is a
// JSON document, as Client.get hands it over.
func decodeEnvelope(raw []byte) (listEnvelope, error) {
	var (
		env       listEnvelope
		decodeErr error
	)
	s := &scanner{data: raw}
	err := s.object(fieldsOf(reflect.TypeFor[listEnvelope]()), nil, "", func(name string, value []byte) {
		switch name {
		case "data":
			env.Data = value
		case "next_page":
			env.NextPage = value
		case "total_pages":
			env.TotalPages = value
		case "per_page":
			env.PerPage = value
		case "current_page":
			decodeErr = cmp.Or(decodeErr, json.Unmarshal(value, &env.CurrentPage))
		case "total_count":
			decodeErr = cmp.Or(decodeErr, json.Unmarshal(value, &env.TotalCount))
		}
	}, reflect.Value{})
	return env, cmp.Or(err, s.end(), decodeErr)
}

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
	env, err := decodeEnvelope(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a list page: %v", ErrUnexpectedResponse, err)
	}
	if env.Data == nil || string(env.Data) == "null" { // RawMessage keeps a JSON null as "null"
		return nil, fmt.Errorf("%w: it has no \"data\" list", ErrUnexpectedResponse)
	}
	if env.CurrentPage != nil && *env.CurrentPage != n {
		return nil, &PagingError{Problem: fmt.Sprintf("asked for page %d but the API answered with page %d", n, *env.CurrentPage)}
	}
	p := &listPage[T]{total: -1, totalPages: slices.Clone(env.TotalPages), perPage: slices.Clone(env.PerPage)}
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
	if err := p.decodeItems(env.Data, spec); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeItems decodes each item of the data array strictly and keys it.
func (p *listPage[T]) decodeItems(data []byte, spec *ListSpec[T]) error {
	raws, err := splitArray(data)
	if err != nil {
		return fmt.Errorf("%w: \"data\" is not a list", ErrUnexpectedResponse)
	}
	p.items = make([]T, len(raws))
	p.keys = make([]itemKey, len(raws))
	onPage := make(map[string]int, len(raws))
	for i, raw := range raws {
		decodeErr := decodeItem(raw, &p.items[i], spec.Required...)
		key, fingerprint, keyErr := spec.Key(p.items[i])
		if keyErr != nil {
			key = ""
		}
		switch {
		case decodeErr != nil:
			return &ItemError{Index: i + 1, Item: itemName(spec.Noun, key), Problem: decodeErr.Error()}
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
