package planetscale

import "github.com/deploy-request-gate/deploy-request-gate/httpretry"

// RetryPolicy says how transient failures (network errors other than an
// untrusted certificate, timeouts, cut-off answers, 429 and 5xx answers) are
// retried: capped exponential backoff with jitter, waits stretched to honour
// Retry-After, a timeout per attempt sized to fit the deadline. It is the
// policy every client of the gate shares; see package httpretry.
type RetryPolicy = httpretry.Policy

// DefaultRetryPolicy is used unless WithRetryPolicy says otherwise.
var DefaultRetryPolicy = httpretry.Default

// RetryEvent describes a failed attempt that will be retried.
type RetryEvent = httpretry.Event

// GaveUpError is returned when a request failed with transient errors until
// its retries or the deadline ran out, or at once when the API asked
// (Retry-After) for a wait that, even capped at RetryPolicy.MaxRetryAfter,
// does not fit in the time left: Wait is then the wait it asked for,
// uncapped. Last is the last failure.
type GaveUpError = httpretry.GaveUpError
