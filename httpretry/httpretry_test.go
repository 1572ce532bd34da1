package httpretry_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

var (
	errFlaky = errors.New("flaky")
	errFinal = errors.New("final")
)

// fast retries at once: 1ms waits, no jitter, 3 retries.
func fast() httpretry.Policy {
	return httpretry.Policy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxRetryAfter: time.Minute, MaxRetries: 3}
}

// script returns an attempt that fails with errs in turn (a nil ends in
// success; past the end it keeps failing with the last one), and a count of
// the attempts made.
func script(errs ...error) (func(context.Context) error, *int) {
	n := 0
	return func(context.Context) error {
		n++
		return errs[min(n, len(errs))-1]
	}, &n
}

func retryable(err error) error { return httpretry.Retryable(err, 0) }

func TestDo_retriesOnlyRetryable(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		errs         []error
		wantAttempts int
		wantEvents   int
		wantErr      error // nil: success
		wantGaveUp   bool
	}{
		"success":                {errs: []error{nil}, wantAttempts: 1},
		"not_retryable":          {errs: []error{errFinal}, wantAttempts: 1, wantErr: errFinal},
		"retryable_then_success": {errs: []error{retryable(errFlaky), nil}, wantAttempts: 2, wantEvents: 1},
		"retryable_then_final":   {errs: []error{retryable(errFlaky), errFinal}, wantAttempts: 2, wantEvents: 1, wantErr: errFinal},
		"retries_run_out":        {errs: []error{retryable(errFlaky)}, wantAttempts: 4, wantEvents: 3, wantErr: errFlaky, wantGaveUp: true},
		"wrapped_retryable":      {errs: []error{fmt.Errorf("page 2: %w", retryable(errFlaky)), nil}, wantAttempts: 2, wantEvents: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			attempt, n := script(tt.errs...)
			var evs []httpretry.Event
			err := httpretry.Do(t.Context(), fast(), func(e httpretry.Event) { evs = append(evs, e) }, attempt)
			if *n != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", *n, tt.wantAttempts)
			}
			if len(evs) != tt.wantEvents {
				t.Errorf("events = %d, want %d", len(evs), tt.wantEvents)
			}
			for i, e := range evs {
				if e.Attempt != i+1 || !errors.Is(e.Err, errFlaky) || e.Wait != time.Millisecond {
					t.Errorf("event %d = %+v, want attempt %d failing with %v and a 1ms wait", i, e, i+1, errFlaky)
				}
			}
			if (err == nil) != (tt.wantErr == nil) || (err != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("Do() = %v, want %v", err, tt.wantErr)
			}
			var gaveUp *httpretry.GaveUpError
			if got := errors.As(err, &gaveUp); got != tt.wantGaveUp {
				t.Fatalf("Do() = %T %v, want a *GaveUpError: %v", err, err, tt.wantGaveUp)
			}
			if tt.wantGaveUp && (gaveUp.Attempts != tt.wantAttempts || gaveUp.Last != errFlaky || gaveUp.Deadline || gaveUp.Wait != 0) {
				t.Errorf("GaveUpError = %+v, want %d attempts, Last the unwrapped error, no deadline, no wait", gaveUp, tt.wantAttempts)
			}
		})
	}
}

// TestDo_honoursRetryAfter waits what the server asked for, capped at
// MaxRetryAfter, and never less than the backoff.
func TestDo_honoursRetryAfter(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name                  string
		after, maxAfter, want time.Duration
	}{
		{name: "as_asked", after: 20 * time.Millisecond, maxAfter: time.Minute, want: 20 * time.Millisecond},
		{name: "capped", after: 99999 * time.Second, maxAfter: 20 * time.Millisecond, want: 20 * time.Millisecond},
		{name: "shorter_than_the_backoff", after: time.Microsecond, maxAfter: time.Minute, want: time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			p := fast()
			p.MaxRetryAfter = tt.maxAfter
			attempt, n := script(httpretry.Retryable(errFlaky, tt.after), nil)
			var evs []httpretry.Event
			start := time.Now()
			if err := httpretry.Do(t.Context(), p, func(e httpretry.Event) { evs = append(evs, e) }, attempt); err != nil {
				t.Fatalf("Do() = %v", err)
			}
			if *n != 2 || len(evs) != 1 {
				t.Fatalf("attempts = %d, events = %d, want 2 and 1", *n, len(evs))
			}
			if got := evs[0].Wait; got != tt.want {
				t.Errorf("Wait = %v, want %v", got, tt.want)
			}
			if elapsed := time.Since(start); elapsed < tt.want {
				t.Errorf("Do() returned after %v, before the wait it announced", elapsed)
			}
		})
	}
}

// TestDo_givesUpOnTooLongRetryAfter asks for a wait that, even capped at
// MaxRetryAfter, does not fit in the time left: Do gives up at once and
// reports the wait asked for, uncapped.
func TestDo_givesUpOnTooLongRetryAfter(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		after    time.Duration
		maxAfter time.Duration
		wantText string
	}{
		"past_the_deadline": {after: time.Minute, maxAfter: time.Hour,
			wantText: "gave up after 1 attempt (the server asked to wait 1m0s, longer than the time left): flaky"},
		"absurd_capped_still_past_the_deadline": {after: 99999 * time.Second, maxAfter: time.Minute,
			wantText: "gave up after 1 attempt (the server asked to wait 27h46m39s, longer than the time left): flaky"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			p := fast()
			p.MaxRetryAfter = tt.maxAfter
			attempt, n := script(httpretry.Retryable(errFlaky, tt.after), nil)
			err := httpretry.Do(ctx, p, nil, attempt)
			var gaveUp *httpretry.GaveUpError
			if !errors.As(err, &gaveUp) {
				t.Fatalf("Do() = %v, want a *GaveUpError", err)
			}
			if *n != 1 || gaveUp.Attempts != 1 || gaveUp.Wait != tt.after || !gaveUp.Deadline || gaveUp.Last != errFlaky {
				t.Errorf("after %d attempts: %+v, want 1 attempt, Wait %v (uncapped), Deadline", *n, gaveUp, tt.after)
			}
			if got := err.Error(); got != tt.wantText {
				t.Errorf("Error() = %q, want %q", got, tt.wantText)
			}
			if ctx.Err() != nil {
				t.Error("Do() waited until the deadline, want it to give up at once")
			}
		})
	}
}

// TestDo_attemptTimeout checks that each attempt runs under a timeout
// sized by AttemptTimeout, and that an attempt that hangs is retried.
func TestDo_attemptTimeout(t *testing.T) {
	t.Parallel()

	p := fast()
	p.AttemptTimeout = 50 * time.Millisecond
	n := 0
	err := httpretry.Do(t.Context(), p, nil, func(ctx context.Context) error {
		n++
		if _, ok := ctx.Deadline(); !ok {
			t.Error("attempt has no deadline, want AttemptTimeout's")
		}
		if n == 1 {
			<-ctx.Done() // hang until the attempt's timeout
			return retryable(ctx.Err())
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Errorf("Do() = %v after %d attempts, want success on the second", err, n)
	}
}

func TestAttemptTimeout(t *testing.T) {
	t.Parallel()

	const s = time.Second
	tests := []struct {
		limit, left, want time.Duration
	}{
		{limit: 30 * s, left: 120 * s, want: 30 * s}, // the limit fits twice
		{limit: 30 * s, left: 40 * s, want: 20 * s},  // half the time left
		{limit: 30 * s, left: 8 * s, want: 8 * s},    // too little for two: all of it
		{limit: 3 * s, left: 8 * s, want: 3 * s},
		{limit: 0, left: 120 * s, want: 60 * s},
		{limit: 0, left: 4 * s, want: 4 * s},
		{limit: 30 * s, left: -s, want: -s}, // the deadline has passed
	}
	for _, tt := range tests {
		if got := httpretry.AttemptTimeout(tt.limit, tt.left); got != tt.want {
			t.Errorf("AttemptTimeout(%v, %v) = %v, want %v", tt.limit, tt.left, got, tt.want)
		}
	}
}

// FuzzAttemptTimeout checks AttemptTimeout's promises for any limit and
// time left. Its seeds are in testdata/fuzz/FuzzAttemptTimeout.
func FuzzAttemptTimeout(f *testing.F) {
	f.Fuzz(func(t *testing.T, limit, left int64) {
		l, d := time.Duration(left), time.Duration(limit)
		got := httpretry.AttemptTimeout(d, l)
		if l <= 0 {
			if got > 0 {
				t.Fatalf("AttemptTimeout(%v, %v) = %v, want no time past the deadline", d, l, got)
			}
			return
		}
		floor := min(httpretry.MinAttemptTimeout, l)
		if d > 0 {
			floor = min(floor, d)
		}
		switch {
		case got <= 0 || got > l:
			t.Fatalf("AttemptTimeout(%v, %v) = %v, want it in (0, time left]", d, l, got)
		case d > 0 && got > d:
			t.Fatalf("AttemptTimeout(%v, %v) = %v, want at most the limit", d, l, got)
		case l/2 >= httpretry.MinAttemptTimeout && got > l/2:
			t.Fatalf("AttemptTimeout(%v, %v) = %v, want room for another attempt", d, l, got)
		case got < floor:
			t.Fatalf("AttemptTimeout(%v, %v) = %v, want at least %v", d, l, got, floor)
		}
	})
}

// TestSerialize runs a notifier that is not safe for concurrent use from
// many goroutines; with -race it fails unless Serialize serializes it.
func TestSerialize(t *testing.T) {
	t.Parallel()

	if httpretry.Serialize(nil) != nil {
		t.Error("Serialize(nil) != nil, want nil so Do skips it")
	}
	var seen []int // deliberately unguarded
	notify := httpretry.Serialize(func(e httpretry.Event) { seen = append(seen, e.Attempt) })
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() { notify(httpretry.Event{Attempt: i}) })
	}
	wg.Wait()
	if len(seen) != 64 {
		t.Errorf("notifier saw %d events, want 64", len(seen))
	}
}

// TestDo_concurrentNotify shares one serialized notifier between several
// Do calls at once, as a client used from several goroutines does.
func TestDo_concurrentNotify(t *testing.T) {
	t.Parallel()

	count := 0 // deliberately unguarded
	notify := httpretry.Serialize(func(httpretry.Event) { count++ })
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			attempt, _ := script(retryable(errFlaky), retryable(errFlaky), nil)
			if err := httpretry.Do(t.Context(), fast(), notify, attempt); err != nil {
				t.Errorf("Do() = %v", err)
			}
		})
	}
	wg.Wait()
	if count != 32 {
		t.Errorf("notifier saw %d events, want 32", count)
	}
}

func TestDo_cancelled(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		// run calls Do with a ctx it cancels at some point.
		run func(ctx context.Context, cancel context.CancelFunc) error
	}{
		{name: "before_the_call", run: func(ctx context.Context, cancel context.CancelFunc) error {
			cancel()
			return httpretry.Do(ctx, fast(), nil, func(context.Context) error { return nil })
		}},
		{name: "during_an_attempt", run: func(ctx context.Context, cancel context.CancelFunc) error {
			return httpretry.Do(ctx, fast(), nil, func(actx context.Context) error {
				cancel()
				<-actx.Done()
				return retryable(actx.Err())
			})
		}},
		{name: "during_a_wait", run: func(ctx context.Context, cancel context.CancelFunc) error {
			attempt, _ := script(httpretry.Retryable(errFlaky, 30*time.Second), nil)
			return httpretry.Do(ctx, fast(), func(httpretry.Event) { cancel() }, attempt)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			err := tt.run(ctx, cancel)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Do() = %v, want context.Canceled", err)
			}
			var gaveUp *httpretry.GaveUpError
			if errors.As(err, &gaveUp) {
				t.Errorf("Do() = %v, want the cancellation itself, not a *GaveUpError", err)
			}
		})
	}
}

// TestDo_deadline lets the deadline end the retries during the backoff.
func TestDo_deadline(t *testing.T) {
	t.Parallel()

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	p := fast()
	p.BaseDelay, p.MaxDelay, p.MaxRetries = time.Second, time.Second, 10
	attempt, n := script(retryable(errFlaky))
	err := httpretry.Do(ctx, p, nil, attempt)
	var gaveUp *httpretry.GaveUpError
	if !errors.As(err, &gaveUp) || !gaveUp.Deadline || gaveUp.Last != errFlaky || gaveUp.Wait != 0 {
		t.Fatalf("Do() = %#v, want a *GaveUpError for the deadline with the last error", err)
	}
	if *n != 1 {
		t.Errorf("attempts = %d, want 1: the backoff did not fit in the time left", *n)
	}
	if got, want := err.Error(), "gave up after 1 attempt (the timeout ran out): flaky"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestGaveUpError(t *testing.T) {
	t.Parallel()

	for name, tt := range map[string]struct {
		err        httpretry.GaveUpError
		want       string
		wantUnwrap error
	}{
		"retries_ran_out": {httpretry.GaveUpError{Attempts: 3, Last: errFlaky}, "gave up after 3 attempts (the retries ran out): flaky", errFlaky},
		"timeout_ran_out": {httpretry.GaveUpError{Attempts: 2, Last: errFlaky, Deadline: true}, "gave up after 2 attempts (the timeout ran out): flaky", errFlaky},
		"wait_too_long":   {httpretry.GaveUpError{Attempts: 1, Last: errFlaky, Wait: 90 * time.Second}, "gave up after 1 attempt (the server asked to wait 1m30s, longer than the time left): flaky", errFlaky},
		"no_answer":       {httpretry.GaveUpError{Attempts: 1, Deadline: true}, "no answer before the timeout ran out", context.DeadlineExceeded},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s: Error() = %q, want %q", name, got, tt.want)
		}
		if got := tt.err.Unwrap(); got != tt.wantUnwrap {
			t.Errorf("%s: Unwrap() = %v, want %v", name, got, tt.wantUnwrap)
		}
	}
}

func TestFormatWait(t *testing.T) {
	t.Parallel()

	for d, want := range map[time.Duration]string{
		99999 * time.Second:     "27h46m39s",
		90 * time.Second:        "1m30s",
		1500 * time.Millisecond: "2s",
		250 * time.Millisecond:  "250ms",
		0:                       "0s",
	} {
		if got := httpretry.FormatWait(d); got != want {
			t.Errorf("FormatWait(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestPolicy_Validate(t *testing.T) {
	t.Parallel()

	if err := httpretry.Default.Validate(); err != nil {
		t.Errorf("Default.Validate() = %v", err)
	}
	for name, change := range map[string]func(*httpretry.Policy){
		"zero_base_delay":        func(p *httpretry.Policy) { p.BaseDelay = 0 },
		"max_delay_below_base":   func(p *httpretry.Policy) { p.MaxDelay = p.BaseDelay / 2 },
		"jitter_over_100":        func(p *httpretry.Policy) { p.JitterPercent = 101 },
		"negative_retry_after":   func(p *httpretry.Policy) { p.MaxRetryAfter = -1 },
		"negative_attempt_limit": func(p *httpretry.Policy) { p.AttemptTimeout = -1 },
	} {
		p := httpretry.Default
		change(&p)
		if err := p.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", name)
		}
	}
}
