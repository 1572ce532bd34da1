// Package httpretry is the one retry policy every API client of the gate
// shares: capped exponential backoff with jitter (github.com/sethvargo/go-retry),
// waits stretched to honour Retry-After, a timeout per attempt sized to fit
// the time left, and one deadline for all of it. It knows no API: callers
// mark which failures are worth another attempt with Retryable.
package httpretry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/sethvargo/go-retry"
)

// Policy says how transient failures are retried.
type Policy struct {
	// BaseDelay is the first wait; each retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps one backoff wait.
	MaxDelay time.Duration
	// MaxRetryAfter caps how long a Retry-After may make one wait. When
	// even the capped wait does not fit in the time left, the retries end
	// at once, with the wait the server asked for (uncapped) reported in
	// the *GaveUpError.
	MaxRetryAfter time.Duration
	// MaxRetries is how many times one operation is retried (attempts = MaxRetries+1).
	MaxRetries uint64
	// JitterPercent spreads each wait by up to ± this percentage.
	JitterPercent uint64
	// AttemptTimeout bounds one attempt, so a hung connection is retried.
	// Each attempt gets at most half of the time left before the deadline
	// (but at least MinAttemptTimeout), so a retry still fits.
	AttemptTimeout time.Duration
}

// MinAttemptTimeout is the least time one attempt is given while more than
// that is left before the deadline.
const MinAttemptTimeout = 5 * time.Second

// Default is the policy used unless a client is told otherwise.
var Default = Policy{
	BaseDelay:      500 * time.Millisecond,
	MaxDelay:       10 * time.Second,
	MaxRetryAfter:  60 * time.Second,
	MaxRetries:     8,
	JitterPercent:  20,
	AttemptTimeout: 30 * time.Second,
}

// Validate reports whether p can be used.
func (p Policy) Validate() error {
	if p.BaseDelay <= 0 || p.MaxDelay < p.BaseDelay || p.JitterPercent > 100 || p.MaxRetryAfter < 0 || p.AttemptTimeout < 0 {
		return fmt.Errorf("invalid retry policy %+v", p)
	}
	return nil
}

// Event describes a failed attempt that will be retried.
type Event struct {
	// Attempt is the number of the attempt that failed, from 1.
	Attempt int
	// Err is why it failed.
	Err error
	// Wait is how long Do waits before the next attempt.
	Wait time.Duration
}

// Notifier is told about every retry before its wait. Do may run in several
// goroutines at once with one Notifier, so it must be safe for concurrent use;
// Serialize makes any function so.
type Notifier func(Event)

// Serialize returns a Notifier that calls fn for one event at a time.
func Serialize(fn func(Event)) Notifier {
	if fn == nil {
		return nil
	}
	var mu sync.Mutex
	return func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		fn(e)
	}
}

// retryableError marks a failure that waiting and asking again may cure.
type retryableError struct {
	err   error
	after time.Duration
}

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

// Retryable marks err as worth another attempt. after is the wait the server
// asked for (Retry-After), or 0.
func Retryable(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryableError{err: err, after: after}
}

// GaveUpError is returned when an operation failed with retryable errors
// until its retries or the deadline ran out.
type GaveUpError struct {
	// Attempts is how many attempts were made.
	Attempts int
	// Last is the last attempt's error (nil when no attempt ended before the deadline).
	Last error
	// Deadline is true when the deadline ended the retries.
	Deadline bool
	// Wait is set when the server asked (Retry-After) for a wait longer
	// than the time left; it is the wait asked for, uncapped.
	Wait time.Duration
}

func (e *GaveUpError) Error() string {
	var why string
	switch {
	case e.Wait > 0:
		why = "the server asked to wait " + FormatWait(e.Wait) + ", longer than the time left"
	case e.Deadline:
		why = "the timeout ran out"
	default:
		why = "the retries ran out"
	}
	if e.Last == nil {
		return "no answer before " + why
	}
	attempts := fmt.Sprintf("%d attempts", e.Attempts)
	if e.Attempts == 1 {
		attempts = "1 attempt"
	}
	return fmt.Sprintf("gave up after %s (%s): %v", attempts, why, e.Last)
}

// Unwrap returns the last attempt's error, or context.DeadlineExceeded when
// there was none.
func (e *GaveUpError) Unwrap() error {
	if e.Last == nil {
		return context.DeadlineExceeded
	}
	return e.Last
}

// Is matches the gate's check.ErrNoAnswer when no attempt ended before the
// deadline.
func (e *GaveUpError) Is(target error) bool { return target == check.ErrNoAnswer && e.Last == nil }

// AskedWait is Wait: the wait the server asked for when it was longer than
// the time left, else 0 (see check.WaitError).
func (e *GaveUpError) AskedWait() time.Duration { return e.Wait }

// FormatWait writes a wait the way a person reads it: "45s", "2m30s",
// "27h46m39s" (whole seconds; under a second in milliseconds). It is
// check.FormatWait, the gate's wording of a wait.
func FormatWait(d time.Duration) string { return check.FormatWait(d) }

// Do runs attempt until it returns nil or an error not marked Retryable,
// the retries run out, or the next wait would pass ctx's deadline. Each
// attempt runs under its own timeout (see Policy.AttemptTimeout). When it
// gives up on retryable failures it returns a *GaveUpError whose Last is the
// last attempt's own error; when the caller cancels ctx it returns ctx's
// error.
func Do(ctx context.Context, p Policy, notify Notifier, attempt func(ctx context.Context) error) error {
	var (
		hint      time.Duration // Retry-After of the last answer
		tooLong   time.Duration // a Retry-After longer than the time left
		outOfTime bool          // the next wait would pass the deadline
		last      error         // the last attempt's own error, unwrapped
		retryable bool          // whether last is worth retrying
		attempts  int
	)
	base := retry.WithCappedDuration(p.MaxDelay, retry.NewExponential(p.BaseDelay))
	if p.JitterPercent > 0 { // go-retry panics on a jitter of 0
		base = retry.WithJitterPercent(p.JitterPercent, base)
	}
	backoff := retry.WithMaxRetries(p.MaxRetries, retry.BackoffFunc(func() (time.Duration, bool) {
		d, stop := base.Next()
		if stop {
			return 0, true
		}
		if hint > 0 {
			d = max(d, min(hint, p.MaxRetryAfter))
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			outOfTime = true
			if hint > 0 && time.Until(deadline) < min(hint, p.MaxRetryAfter) {
				tooLong = hint // the server's wait does not fit: report what it asked
			}
			return 0, true // waiting would only end in the deadline
		}
		if notify != nil {
			notify(Event{Attempt: attempts, Err: last, Wait: d})
		}
		return d, false
	}))

	err := retry.Do(ctx, backoff, func(ctx context.Context) error {
		attempts++
		hint = 0
		actx, cancel := AttemptContext(ctx, p.AttemptTimeout)
		err := attempt(actx)
		cancel()
		var r *retryableError
		isRetryable := errors.As(err, &r)
		if err != nil && ctx.Err() == nil {
			last, retryable = err, isRetryable
			if isRetryable {
				last, hint = r.err, r.after
			}
		}
		if isRetryable {
			return retry.RetryableError(r.err)
		}
		return err
	})
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return ctx.Err() // the caller cancelled
	case ctx.Err() != nil || outOfTime: // tooLong is set only with outOfTime
		return &GaveUpError{Attempts: attempts, Last: last, Deadline: true, Wait: tooLong}
	case retryable:
		return &GaveUpError{Attempts: attempts, Last: last}
	}
	return err
}

// AttemptContext returns the context Do gives an attempt started now
// under ctx: bounded by limit (Policy.AttemptTimeout) as AttemptTimeout
// says. A caller that waits inside an attempt before it sends anything (for
// a rate budget, say) uses it to give the request its whole time.
func AttemptContext(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc) {
	d := limit
	if deadline, ok := ctx.Deadline(); ok {
		d = AttemptTimeout(limit, time.Until(deadline))
	}
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// AttemptTimeout returns how long one attempt may take when left is the
// time before the deadline: at most limit (Policy.AttemptTimeout; 0 means
// no limit of its own), and at most half of left, so that a hung server
// leaves room for another try, but never less than MinAttemptTimeout while
// that much is left, nor more than left. It returns left itself when left
// is not positive (the deadline has passed; the attempt fails at once).
func AttemptTimeout(limit, left time.Duration) time.Duration {
	d := limit
	if half := left / 2; half >= MinAttemptTimeout && (d <= 0 || half < d) {
		d = half
	} else if half < MinAttemptTimeout && (d <= 0 || left < d) {
		d = left
	}
	return d
}
