// Package planetscale is a small client for the PlanetScale REST API: service
// token and OAuth authentication, reads of organizations, databases,
// branches and deploy requests, list walks that never miss an item, retries
// of transient failures (package httpretry), and typed errors that callers
// can explain.
//
// One file per job: options.go (Option, in any order), client.go (Client,
// NewClient, get), baseurl.go (the API address and paths), request.go and
// response_body.go (one attempt: send, read within a size cap, decode,
// classify), retry.go (the retry policy, Retry-After), limiter.go (the
// client-wide rate budget, on golang.org/x/time/rate), errors.go,
// network.go and paging_errors.go (the error types), auth.go
// (credentials), paging.go (ListAll: whole and consistent list reads),
// paging_walk.go, paging_page.go, paging_concurrent.go, paging_totals.go and paging_trace.go (one walk over
// the pages, one page, pages read concurrently, the reported totals,
// ListTrace), consistent_read.go (comparing two walks), decode.go (strict
// decoding: a check read with jsontext, then encoding/json/v2,
// github.com/go-json-experiment/json, decodes), decode_errors.go (how
// its problems are worded and placed), decode_page.go (a list
// page, a failed item named), resource.go (reading one object; WithRaw, an
// object with the JSON the API sent for it), one file per resource
// (organizations.go, databases.go, branches.go, deploy_requests.go,
// deploy_request_get.go, deploy_request_review.go: a request's deployment,
// operations and reviews), and gate.go, the adapter to the gate:
// the Client is a check.Lister and a check.DetailReader (Details), and the
// errors match check's causes.
//
// Callers branch on errors with errors.Is and errors.As, never on texts
// (the gate does so on the check.Cause values these errors also match):
//
//   - *APIError: a non-2xx answer; it matches ErrUnauthorized (401),
//     ErrForbidden (403), ErrNotFound (404, also a missing grant),
//     ErrRateLimited (429) or ErrServer (5xx). 429 and 5xx are retried.
//   - *NetworkError: no answer at all; its Kind says why, and it matches
//     ErrNoAnswer (timeout) or ErrTLS (untrusted certificate, never retried).
//   - ErrTruncated: a 2xx answer cut off before its end (retried).
//   - ErrUnexpectedResponse: a 2xx or 3xx answer that is not the API's JSON
//     (HTML, a redirect, over the size cap, the wrong shape); never retried.
//   - *GaveUpError: the retries, the time or the server's Retry-After ran
//     out; it wraps the last failure, so the matches above still apply.
//   - *CredentialError, ErrNoCredentials: a token that cannot be used.
//   - *PagingError, *PageError, *ItemError: a list that did not add up.
//   - *DetailError: a failed read of one deploy request's operations,
//     deployment or reviews (deploy_request_review.go); it wraps one of the
//     above and, for a 404, names the grant the token may lack.
//
// Every error text is one line: outside text (API bodies, headers,
// transport and TLS errors) passes through package sanitize when the error
// is built, and no error holds a secret.
//
// It knows nothing about GitHub. It implements what the gate (package
// check, which imports no client) reads through; the front ends hand the
// Client to check.Check.
package planetscale
