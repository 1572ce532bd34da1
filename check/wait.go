package check

import (
	"context"
	"time"
)

// WaitOptions turn one check into waiting for approval.
type WaitOptions struct {
	// For is how long to keep re-checking; 0 checks once.
	For time.Duration
	// Interval is the time between checks.
	Interval time.Duration
	// Round, when set, is told about every check that did not pass while
	// there is time for another, and when the next one starts.
	Round func(round int, v Verdict, next time.Time)
	// NotYet, when set, is told about every check that could not decide
	// for a transient reason (see Transient) while there is time for
	// another: the problem, and when the next check starts.
	NotYet func(round int, p Problem, next time.Time)
}

// Wait checks until the policy passes or opts.For has passed, and returns
// the last verdict. Each check has its own deadline, cfg.Timeout: the
// timeout bounds one check, opts.For the whole wait.
//
// A check that could not decide for a transient reason (Transient: the list
// changed while it was read, 429 or 5xx answers or network trouble after
// the retries, a check out of its timeout) is only "not yet": the wait
// tries again at the next interval, and ends with that error only when it
// was the last check there was time for. A permanent problem (a rejected
// token, a missing grant, an answer the gate cannot read) ends the wait at
// once with its error. Either way the gate fails closed: no error is a
// pass. A cancelled ctx ends the wait with ctx's error.
func Wait(ctx context.Context, l Lister, cfg Config, opts WaitOptions) (Verdict, error) {
	end := time.Now().Add(opts.For)
	for round := 1; ; round++ {
		v, err := checkOnce(ctx, l, cfg)
		if err != nil && ctx.Err() != nil {
			return v, ctx.Err()
		}
		if err == nil && v.Passed() {
			return v, nil
		}
		var p Problem
		if err != nil {
			if p = Explain(err, cfg); !Transient(p) {
				return v, err
			}
		}
		next := time.Now().Add(opts.Interval)
		if opts.For <= 0 || next.After(end) {
			return v, err
		}
		switch {
		case err != nil && opts.NotYet != nil:
			opts.NotYet(round, p, next)
		case err == nil && opts.Round != nil:
			opts.Round(round, v, next)
		}
		t := time.NewTimer(opts.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, ctx.Err()
		case <-t.C:
		}
	}
}

// checkOnce is one Check under its own deadline.
func checkOnce(ctx context.Context, l Lister, cfg Config) (Verdict, error) {
	if cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	return Check(ctx, l, cfg)
}
