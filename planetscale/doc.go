// Package planetscale is a small client for the PlanetScale REST API: service
// token and OAuth authentication, reads of organizations, databases,
// branches and deploy requests, list walks that never miss an item, retries
// of transient failures (package httpretry), and typed errors that callers
// can explain.
//
// One file per job: options.go (Option, in any order), client.go (Client,
// NewClient, get), baseurl.go (the API address and paths), request.go (one
// attempt: send, read within a size cap, decode, classify), retry.go (the
// retry policy, Retry-After), errors.go and network.go (the error types),
// auth.go (credentials), paging*.go (list walks), decode*.go (strict
// decoding on encoding/json/v2, github.com/go-json-experiment/json),
// limiter.go (the rate budget, on golang.org/x/time/rate), resource.go
// (reading one object) and one file per resource.
//
// Callers branch on errors with errors.Is and errors.As, never on texts:
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
//
// Every error text is one line: outside text (API bodies, headers,
// transport and TLS errors) passes through package sanitize when the error
// is built, and no error holds a secret.
//
// It knows nothing about GitHub; the gate in package check builds on it.
package planetscale
