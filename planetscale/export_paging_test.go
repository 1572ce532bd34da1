package planetscale

import (
	"context"
	"net/url"
	"strconv"
)

// ReadOpenOnce walks the open deploy requests of a database once, without
// the confirming read a list of more than one page gets: the baseline the
// benchmarks hold a consistent read against.
func ReadOpenOnce(ctx context.Context, c *Client, org, database string) ([]DeployRequest, error) {
	q := url.Values{"state": {"open"}, "per_page": {strconv.Itoa(PerPage)}}
	w, err := walkOnce(ctx, c, Path("organizations", org, "databases", database, "deploy-requests"), q, 1, &deployRequestList, &walkPlan{})
	if err != nil {
		return nil, err
	}
	return w.items, nil
}
