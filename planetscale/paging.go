package planetscale

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// PerPage is the page size asked of list endpoints: the API's maximum.
const PerPage = 100

// maxWalks bounds how often ListAll reads a list that will not hold still:
// enough that one change, or a few in a row, landing during any read still
// leaves two reads in a row that agree.
const maxWalks = 8

// ListSpec says how ListAll checks and identifies the items of one list.
type ListSpec[T any] struct {
	// Noun names one item in messages: "deploy request".
	Noun string
	// Required lists the top-level JSON fields every item must carry: not
	// null and of the JSON kind of T's field (a string, true or false, an
	// integer). A missing one is an *ItemError, never a zero value.
	Required []string
	// Key identifies an item in its list ("#12" for a deploy request, a
	// name for a branch) and fingerprints the fields a consistent read must
	// see unchanged (a deploy request's approval and state). It returns an
	// error when the item has no valid key. It is called for every item, a
	// malformed one too (to name it in the error).
	Key func(T) (key, fingerprint string, err error)
	// Fingerprinted says what the fingerprint covers, for messages:
	// "approval, state, deployment state or branches".
	Fingerprinted string
}

// conflict returns the error for two copies of one key; nil when their
// fingerprints are the same.
func (s *ListSpec[T]) conflict(key, fingerprint1, fingerprint2 string) error {
	if fingerprint1 == fingerprint2 {
		return nil
	}
	return &PagingError{Problem: fmt.Sprintf("%s appears twice with different %s (%s, then %s)",
		itemName(s.Noun, key), s.Fingerprinted, sanitize.Line(fingerprint1), sanitize.Line(fingerprint2))}
}

// ListAll reads every item of a page-based list endpoint: path (from Path)
// with query, asking for PerPage items a page and following next_page
// until it is null. It returns a list only when it can show the list was
// read whole and as it stood:
//
//   - A list whose first page is its last is read at once: done.
//   - A longer list counts only when two walks in a row agree on the keys of
//     its items and on each item's fingerprint (spec.Key). Otherwise it is
//     walked again, until two in a row agree, at most maxWalks (8) times in
//     all; then ListAll fails with a *PagingError matching ErrListChanged.
//     So does a walk that runs out of ctx's time after an earlier walk
//     did not count: the list did not hold still while there was time to
//     read it. The later walk of the two that agree is returned.
//   - A walk does not count (it is walked again) when one item comes twice
//     with the same fingerprint, or total_count differs between its pages:
//     the list moved while it was read.
//
// Each page is checked on its own (see checkPage) and against the pages
// before it: a key repeated with another fingerprint, a non-empty page with
// no new key while next_page goes on, or a walk whose distinct items do not
// add up to total_count are errors. A short page is not taken as the end.
// Items are decoded strictly (see decodeStrict) with spec.Required. Every
// failure of a page is a *PageError naming it; more pages than the client
// allows (WithMaxPages) in one walk is a *PagingError.
//
// A client made WithPageConcurrency fetches pages at once when page 1
// gives the page count (total_pages, or total_count and per_page): the
// first walk asks for page 1, then for the others; a later walk asks for
// every page at once. Pages are still taken in page order and checked as
// above, and each also against that count (every page but the last names
// the next, the last none); the first failure in page order is the one
// returned, and the pages after it are cancelled. Without totals the walk
// follows next_page one page after another. A ListTrace in ctx (see
// WithListTrace) hears when page 1 of the first walk is read.
func ListAll[T any](ctx context.Context, c *Client, path string, query url.Values, spec ListSpec[T]) ([]T, error) {
	if spec.Key == nil {
		return nil, errors.New("list: no Key in the ListSpec")
	}
	q := maps.Clone(query)
	if q == nil { // callers may pass none
		q = url.Values{}
	}
	q.Set("per_page", strconv.Itoa(PerPage))
	var (
		prev    *walk[T] // the last walk that counted, if the one before this
		reasons []string
		plan    = walkPlan{firstPage: firstPageHook(ctx)}
	)
	for n := 1; n <= maxWalks; n++ {
		w, err := walkOnce(ctx, c, path, q, n, &spec, &plan)
		if err != nil {
			if len(reasons) > 0 && outOfTime(ctx, err) {
				return nil, &PagingError{
					Problem: fmt.Sprintf("%v: the time ran out during read %d, and no two reads in a row before it agreed (%s; read %d: %s)",
						ErrListChanged, n, strings.Join(reasons, "; "), n, sanitize.Line(err.Error())),
					Err: ErrListChanged,
				}
			}
			return nil, err
		}
		switch {
		case w.void != "":
			prev = nil
			reasons = append(reasons, fmt.Sprintf("read %d: %s", n, w.void))
			continue
		case w.pages == 1:
			return w.items, nil // one answer: one moment of the list
		case prev != nil:
			diff := compareWalks(prev, w, &spec)
			if diff == "" {
				return w.items, nil
			}
			reasons = append(reasons, fmt.Sprintf("read %d differed from read %d: %s", n, n-1, diff))
		}
		prev = w
		prev.items = nil // only its keys and fingerprints are compared
	}
	return nil, &PagingError{
		Problem: fmt.Sprintf("%v: %d reads of the whole list never gave two in a row that agree (%s)", ErrListChanged, maxWalks, strings.Join(reasons, "; ")),
		Err:     ErrListChanged,
	}
}

// outOfTime reports whether err ended a walk because ctx's deadline came
// (no answer in time, or no time left for a retry) rather than because the
// API answered with an error.
func outOfTime(ctx context.Context, err error) bool {
	var (
		gaveUp *GaveUpError
		apiErr *APIError
	)
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.As(err, &gaveUp) && gaveUp.Deadline
	return timedOut && !errors.As(err, &apiErr)
}
