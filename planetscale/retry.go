package planetscale

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

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

// maxRetryAfter is the longest wait a Retry-After header can stand for: the
// largest whole number of seconds a time.Duration holds (about 292 years).
// A longer one is reported as this, never as a negative or wrapped value.
const maxRetryAfter = time.Duration(1<<63-1) / time.Second * time.Second

// parseRetryAfter reads a Retry-After header: delay seconds (leading zeros
// allowed) or an HTTP date. It returns the wait asked for, uncapped (at most
// maxRetryAfter), or 0 when the header is absent, unreadable, negative or a
// date not after now.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if strings.Trim(v, "0123456789") == "" { // delay-seconds is 1*DIGIT
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter // more seconds than a Duration holds
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now) // Sub saturates instead of overflowing
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}
