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

// CheckDeployRequestPage decodes and checks raw as page n of the deploy
// request list, as a walk does with each page it reads, and returns its
// items: what BenchmarkDecodePage measures.
func CheckDeployRequestPage(n int, raw []byte) ([]DeployRequest, error) {
	p, err := checkPage(n, raw, &deployRequestList)
	if err != nil {
		return nil, err
	}
	return p.items, nil
}

// CheckReviewPage decodes and checks raw as page n of a deploy request's
// reviews, as a walk does with each page it reads, and returns its items:
// what BenchmarkDecodeReviewPage measures.
func CheckReviewPage(n int, raw []byte) ([]Review, error) {
	p, err := checkPage(n, raw, &reviewList)
	if err != nil {
		return nil, err
	}
	return p.items, nil
}
