package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// PerPage is the page size asked of list endpoints: the API's maximum.
const PerPage = 100

// listPage is the envelope of every page-based list answer.
type listPage struct {
	Data        json.RawMessage `json:"data"`
	CurrentPage int             `json:"current_page"`
	NextPage    *int            `json:"next_page"`
	TotalCount  *int            `json:"total_count"`
}

// maxWalks bounds how often a list walk restarts because the list changed
// while it was being read.
const maxWalks = 3

// ListAll reads every item of a page-based list endpoint: path (from Path)
// with query, asking for PerPage items a page and following next_page until
// it is null. A short page is not taken as the end. The walk fails rather
// than loop or skip: a next_page that does not advance or skips a page, a
// page other than the one asked for, an answer without a data array, or more
// pages than the client allows are errors. When total_count changes during
// the walk (items were added or removed, so one may have moved between pages
// unseen), the walk starts again, at most three times.
func ListAll[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	for walk := 1; ; walk++ {
		items, changed, err := walkPages[T](ctx, c, path, query)
		if err != nil || !changed {
			return items, err
		}
		if walk == maxWalks {
			return nil, &PagingError{fmt.Sprintf("the list kept changing while it was read (%d tries)", maxWalks)}
		}
	}
}

// walkPages reads every page once; changed reports that total_count moved.
func walkPages[T any](ctx context.Context, c *Client, path string, query url.Values) (items []T, changed bool, err error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(PerPage))
	var total *int
	for page, read := 1, 0; ; read++ {
		if read == c.maxPages {
			return nil, false, &PagingError{fmt.Sprintf("more than %d pages: stopped so as not to loop", c.maxPages)}
		}
		q.Set("page", strconv.Itoa(page))
		var body listPage
		if err := c.get(ctx, path, q, &body); err != nil {
			return nil, false, fmt.Errorf("page %d: %w", page, err)
		}
		if body.Data == nil || string(body.Data) == "null" { // RawMessage keeps a JSON null as "null"
			return nil, false, fmt.Errorf("page %d: %w: it has no \"data\" list", page, ErrUnexpectedResponse)
		}
		var data []T
		if err := json.Unmarshal(body.Data, &data); err != nil {
			return nil, false, fmt.Errorf("page %d: %w: %v", page, ErrUnexpectedResponse, err)
		}
		if body.CurrentPage != 0 && body.CurrentPage != page {
			return nil, false, &PagingError{fmt.Sprintf("asked for page %d but the API answered with page %d", page, body.CurrentPage)}
		}
		items = append(items, data...)
		if body.TotalCount != nil {
			if total != nil && *total != *body.TotalCount {
				changed = true
			}
			total = body.TotalCount
		}
		if body.NextPage == nil {
			return items, changed, nil
		}
		if *body.NextPage <= page {
			return nil, false, &PagingError{fmt.Sprintf("page %d names next page %d, which does not advance", page, *body.NextPage)}
		}
		if *body.NextPage != page+1 {
			return nil, false, &PagingError{fmt.Sprintf("page %d names next page %d, which would skip a page", page, *body.NextPage)}
		}
		page = *body.NextPage
	}
}

// PagingError means a list's pages did not add up, so the walk stopped
// rather than loop or miss items.
type PagingError struct{ Problem string }

func (e *PagingError) Error() string { return "paging failed: " + e.Problem }
