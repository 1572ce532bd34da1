package check

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// scriptedLister answers each listing with the next of its answers, and
// the last one from then on.
type scriptedLister struct {
	mu      sync.Mutex
	answers [][]DeployRequest
	errs    []error
	calls   int
}

func (s *scriptedLister) OpenDeployRequests(context.Context, string, string, ListOptions) ([]DeployRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := min(s.calls, len(s.answers)-1)
	s.calls++
	var err error
	if i < len(s.errs) {
		err = s.errs[i]
	}
	return s.answers[i], err
}

func (s *scriptedLister) ApprovalRequired(context.Context, string, string) (bool, error) {
	return true, nil
}

// Errors of one check, as the client returns them.
var (
	errListChanged  = fmt.Errorf("the list kept changing while it was read: %w", ErrListChanged)
	errServer       = &gaveUp{err: &answer{code: 503, status: "503 Service Unavailable"}}
	errNoAnswerYet  = &gaveUp{err: ErrNoAnswer}
	errUnauthorized = &answer{code: 401, status: "401 Unauthorized"}
	errNotFound     = &answer{code: 404, status: "404 Not Found"}
)

func TestWait(t *testing.T) {
	t.Parallel()
	blocked := []DeployRequest{featureDR(1, "ready", false)}
	approved := []DeployRequest{featureDR(1, "ready", true)}
	cfg := Config{Organization: "acme", Database: "shop", FailOn: FailOnUnapproved, Timeout: time.Minute}
	tests := []struct {
		name       string
		lister     *scriptedLister
		opts       WaitOptions
		wantPass   bool
		wantErr    bool
		wantCalls  int
		wantRounds int
	}{
		{"passes_once_approved", &scriptedLister{answers: [][]DeployRequest{blocked, blocked, approved}},
			WaitOptions{For: time.Hour, Interval: time.Millisecond}, true, false, 3, 2},
		{"no_wait_checks_once", &scriptedLister{answers: [][]DeployRequest{blocked, approved}},
			WaitOptions{}, false, false, 1, 0},
		{"ends_when_the_next_check_would_be_too_late", &scriptedLister{answers: [][]DeployRequest{blocked}},
			WaitOptions{For: time.Millisecond, Interval: time.Hour}, false, false, 1, 0},
		{"a_permanent_error_ends_the_wait", &scriptedLister{answers: [][]DeployRequest{blocked, nil}, errs: []error{nil, errors.New("boom")}},
			WaitOptions{For: time.Hour, Interval: time.Millisecond}, false, true, 2, 1},
		{"a_revoked_token_ends_the_wait_at_once", &scriptedLister{answers: [][]DeployRequest{nil, approved}, errs: []error{errUnauthorized}},
			WaitOptions{For: time.Hour, Interval: time.Millisecond}, false, true, 1, 0},
		{"a_missing_grant_ends_the_wait_at_once", &scriptedLister{answers: [][]DeployRequest{blocked, nil, approved}, errs: []error{nil, errNotFound}},
			WaitOptions{For: time.Hour, Interval: time.Millisecond}, false, true, 2, 1},
		{"a_list_that_changed_is_not_yet", &scriptedLister{answers: [][]DeployRequest{nil, blocked, nil, approved}, errs: []error{errListChanged, nil, errListChanged}},
			WaitOptions{For: time.Hour, Interval: time.Millisecond}, true, false, 4, 3},
		{"server_errors_and_no_answer_are_not_yet", &scriptedLister{answers: [][]DeployRequest{nil, nil, approved}, errs: []error{errServer, errNoAnswerYet}},
			WaitOptions{For: time.Hour, Interval: time.Millisecond}, true, false, 3, 2},
		{"the_last_check_undecided_ends_in_its_error", &scriptedLister{answers: [][]DeployRequest{blocked, nil}, errs: []error{nil, errListChanged}},
			WaitOptions{For: 30 * time.Millisecond, Interval: 20 * time.Millisecond}, false, true, 2, 1},
		{"undecided_without_a_wait_is_an_error", &scriptedLister{answers: [][]DeployRequest{nil, approved}, errs: []error{errListChanged}},
			WaitOptions{}, false, true, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rounds := 0
			tt.opts.Round = func(round int, v Verdict, next time.Time) {
				rounds++
				if round != rounds || v.Passed() || next.IsZero() {
					t.Errorf("round %d (want %d): passed %v, next %v", round, rounds, v.Passed(), next)
				}
			}
			tt.opts.NotYet = func(round int, p Problem, next time.Time) {
				rounds++
				if round != rounds || !Transient(p) || p.Err == nil || next.IsZero() {
					t.Errorf("not yet %d (want %d): %+v, next %v", round, rounds, p, next)
				}
			}
			v, err := Wait(t.Context(), tt.lister, cfg, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && v.Passed() != tt.wantPass {
				t.Errorf("passed = %v, want %v", v.Passed(), tt.wantPass)
			}
			if tt.lister.calls != tt.wantCalls || rounds != tt.wantRounds {
				t.Errorf("calls, rounds = %d, %d; want %d, %d", tt.lister.calls, rounds, tt.wantCalls, tt.wantRounds)
			}
		})
	}
	t.Run("cancel_ends_the_wait", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		l := &scriptedLister{answers: [][]DeployRequest{blocked}}
		_, err := Wait(ctx, l, cfg, WaitOptions{For: time.Hour, Interval: time.Minute, Round: func(int, Verdict, time.Time) { cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("cancel_during_an_undecided_check_is_not_transient", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		l := &scriptedLister{answers: [][]DeployRequest{nil}, errs: []error{errServer}}
		_, err := Wait(ctx, l, cfg, WaitOptions{For: time.Hour, Interval: time.Millisecond})
		if !errors.Is(err, context.Canceled) || l.calls != 1 {
			t.Errorf("err = %v after %d checks, want context.Canceled after 1", err, l.calls)
		}
	})
}
