package planetscale

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// The default rate budget. Any 60 seconds hold at most
// DefaultRateBurst + 60×DefaultRateLimit = 380 requests, under two thirds of
// the 600 a minute PlanetScale allows, which leaves room for other tools on
// the same account. A gate run that reads up to 10,000 open deploy requests
// (201 requests: two reads of 100 pages, and the database) fits in the
// burst and never waits for the budget; a longer list, or a wait that
// checks again and again, goes on at 3 requests a second.
const (
	DefaultRateLimit = 3.0
	DefaultRateBurst = 200
)

// WithRateLimit sets the client's rate budget (default DefaultRateLimit
// requests a second with bursts of DefaultRateBurst): every request the
// client sends, retries included, from every goroutine that uses it, draws
// on this one budget. perSecond 0 turns the budget off (a local API, a
// test); burst must be at least 1. Whatever the budget, a 429 answer to any
// request pauses every request of the client (see Client).
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *settings) error {
		if perSecond < 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) || burst < 1 {
			return fmt.Errorf("rate limit %v a second with bursts of %d: want a rate of 0 or more and a burst of at least 1", perSecond, burst)
		}
		s.pacing.rate, s.pacing.burst = perSecond, burst
		return nil
	}
}

// pacing is what WithRateLimit and WithPageConcurrency set.
type pacing struct {
	rate  float64
	burst int
	// pages is how many pages of one list are fetched at once.
	pages int
}

func defaultPacing() pacing {
	return pacing{rate: DefaultRateLimit, burst: DefaultRateBurst, pages: 1}
}

// pacer is a client's shared pace: its rate budget, the pause a 429 asks
// for, the requests in flight (at most MaxPageConcurrency, whatever runs
// them: the pages of a list, a read beside it), the count of requests sent
// and how many pages of a list to fetch at once.
type pacer struct {
	limiter
	inFlight chan struct{}
	pages    int
	requests atomic.Int64
}

func newPacer(p pacing) *pacer {
	return &pacer{
		limiter:  limiter{bucket: newBucket(p.rate, p.burst)},
		inFlight: make(chan struct{}, MaxPageConcurrency),
		pages:    p.pages,
	}
}

// start blocks until a request may go: the rate budget has a token for it,
// no pause holds it back, and fewer than MaxPageConcurrency requests are in
// flight; or ctx ends (its error). It reports whether it had to wait. The
// caller calls finish once the request has its answer.
func (p *pacer) start(ctx context.Context) (waited bool, err error) {
	if waited, err = p.wait(ctx); err != nil {
		return waited, err
	}
	select {
	case p.inFlight <- struct{}{}:
		return waited, nil
	default:
	}
	select {
	case p.inFlight <- struct{}{}:
		return true, nil
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// finish ends a request that start let go.
func (p *pacer) finish() { <-p.inFlight }

// Requests returns how many HTTP requests the client has sent so far,
// retries included: a number to show in a debug log.
func (c *Client) Requests() int64 { return c.pace.requests.Load() }

// send makes one attempt at u once the client's pace lets it go (see
// pacer.start). ctx bounds the whole call, actx the attempt (httpretry.Do
// makes it): a wait for the pace comes out of ctx, never out of the
// attempt's own timeout, so after one the attempt gets a new timeout,
// counted from when it starts. A 429 answer pauses every request of the
// client (see slowDown).
func (c *Client) send(ctx, actx context.Context, u *url.URL, v any) error {
	waited, err := c.pace.start(ctx)
	if err != nil {
		return err
	}
	defer c.pace.finish()
	if waited {
		var cancel context.CancelFunc
		actx, cancel = httpretry.AttemptContext(ctx, c.retry.AttemptTimeout)
		defer cancel()
	}
	c.pace.requests.Add(1)
	err = c.attempt(actx, u, v)
	c.slowDown(ctx, err)
	return err
}

// slowDown pauses every request of the client after a 429 answer, so that
// pages fetched at once do not each run into the limit: for the wait the
// API asked with Retry-After (capped as the retry policy caps it), or else
// for the policy's first backoff. A pause that would end after ctx's
// deadline is not taken: that request gives up rather than wait.
func (c *Client) slowDown(ctx context.Context, err error) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		return
	}
	wait := c.retry.BaseDelay
	if apiErr.RetryAfter > 0 {
		wait = min(apiErr.RetryAfter, c.retry.MaxRetryAfter)
	}
	until := time.Now().Add(wait)
	if deadline, ok := ctx.Deadline(); ok && until.After(deadline) {
		return
	}
	c.pace.pause(until)
}

// newBucket returns the token bucket of a rate budget: tokens accrue at
// perSecond a second up to burst, the bucket starts full, and each request
// takes one. perSecond 0 is no budget.
func newBucket(perSecond float64, burst int) *rate.Limiter {
	if perSecond == 0 {
		return rate.NewLimiter(rate.Inf, burst)
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// limiter is the client's rate budget, a token bucket (golang.org/x/time/rate),
// and the pause a 429 asks for: a pause holds every request back until it
// ends and leaves the bucket at most afterPause tokens, so that requests
// start again with one round of pages at once, then at the steady rate,
// not in a burst. Pauses hold with no budget too.
type limiter struct {
	bucket *rate.Limiter
	mu     sync.Mutex
	// notBefore is when the latest pause ends. No request takes a token
	// for a time before it, so the bucket's clock never goes back.
	notBefore time.Time
}

// wait blocks until a request may go, or ctx ends (its error). It reports
// whether it had to wait.
func (l *limiter) wait(ctx context.Context) (waited bool, err error) {
	l.mu.Lock()
	at := l.reserve(time.Now())
	l.mu.Unlock()
	for {
		d := time.Until(at)
		if d <= 0 {
			l.mu.Lock()
			paused := l.notBefore // a pause may have begun while this waited
			l.mu.Unlock()
			if time.Until(paused) <= 0 {
				return waited, nil
			}
			at, d = paused, time.Until(paused)
		}
		waited = true
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return waited, ctx.Err()
		case <-t.C:
		}
	}
}

// reserve takes a token for a request that would go at now and returns
// when it may go. The token is not given back if the request gives up
// (giving it back would set the bucket's clock back). l.mu must be held.
func (l *limiter) reserve(now time.Time) time.Time {
	start := now
	if l.notBefore.After(start) {
		start = l.notBefore
	}
	r := l.bucket.ReserveN(start, 1) // never refused: a burst is at least 1
	return start.Add(r.DelayFrom(start))
}

// afterPause is the most tokens the bucket holds when a pause ends.
const afterPause = MaxPageConcurrency

// pause holds every request back until until, and all but empties the
// bucket: what it would hold then, less afterPause, is taken at until.
func (l *limiter) pause(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.notBefore) {
		l.notBefore = until
	}
	if l.bucket.Limit() == rate.Inf {
		return
	}
	if n := int(l.bucket.TokensAt(l.notBefore)) - afterPause; n > 0 {
		l.bucket.ReserveN(l.notBefore, n)
	}
}
