package check

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Lister is what the gate reads through. Package planetscale's Client is
// one; so can be anything else that knows a database's deploy requests.
// Its errors say what went wrong by matching a Cause (and AnswerError,
// WaitError) with errors.Is and errors.As, so that Explain can word them.
type Lister interface {
	// OpenDeployRequests returns every open deploy request of the
	// database that opts.Filter selects, over all pages, or an error:
	// never a partial list.
	OpenDeployRequests(ctx context.Context, org, database string, opts ListOptions) ([]DeployRequest, error)
	// ApprovalRequired returns the database's setting that makes deploy
	// requests wait for an approval (require_approval_for_deploy).
	ApprovalRequired(ctx context.Context, org, database string) (bool, error)
}

// ListOptions say which open deploy requests OpenDeployRequests returns
// and how it reports its progress.
type ListOptions struct {
	// Filter selects the requests; a Lister may also leave the filtering to
	// the gate, which checks again (see Evaluate).
	Filter Filter
	// FirstPage, when set, is called once, as soon as the list's first page
	// has answered and before any other page is asked for, by a Lister that
	// reads in pages; one that does not may never call it. Check starts the
	// read of the database's setting then, beside the rest of the list.
	FirstPage func()
}

// settingsTimeout bounds the optional read of the database settings.
const settingsTimeout = 5 * time.Second

// Check lists the open deploy requests cfg selects and decides. Beside the
// listing it reads the database's require_approval_for_deploy setting,
// starting once the listing's first page has answered (see
// ListOptions.FirstPage; after the listing for a Lister that does not
// report it), so that the list's first request always goes first. That
// read is optional (a missing grant only leaves Verdict.ApprovalRequired
// nil, with the reason in Verdict.SettingsErr). Then, under
// FailOnDeployOrder or with cfg.Cards, it reads the details the policy and
// the cards need (see DetailReader). An error means the gate could not
// decide: the caller fails closed. ctx bounds the whole check.
func Check(ctx context.Context, l Lister, cfg Config) (Verdict, error) {
	settings := newSettingsRead(ctx, l, cfg)
	drs, err := l.OpenDeployRequests(ctx, cfg.Organization, cfg.Database, ListOptions{Filter: cfg.Filter, FirstPage: settings.start})
	if err != nil {
		settings.stop()
		return Verdict{Policy: cfg.FailOn}, err
	}
	v := Evaluate(drs, cfg.Filter, cfg.FailOn)
	v.ApprovalRequired, v.SettingsErr = settings.result()
	if v.Policy == FailOnDeployOrder || cfg.Cards {
		if err := readDetails(ctx, l, cfg, &v); err != nil {
			return v, err
		}
	}
	return v, nil
}

// settingsRead is the read of the database settings, run beside the listing.
type settingsRead struct {
	ctx    context.Context
	cancel context.CancelFunc
	l      Lister
	cfg    Config
	once   sync.Once
	done   chan struct{} // closed once required and err are set
	// required and err are approvalRequired's answer.
	required *bool
	err      error
}

func newSettingsRead(ctx context.Context, l Lister, cfg Config) *settingsRead {
	ctx, cancel := context.WithCancel(ctx)
	return &settingsRead{ctx: ctx, cancel: cancel, l: l, cfg: cfg, done: make(chan struct{})}
}

// start starts the read, once.
func (r *settingsRead) start() {
	r.once.Do(func() {
		go func() {
			defer close(r.done)
			r.required, r.err = approvalRequired(r.ctx, r.l, r.cfg)
		}()
	})
}

// result starts the read if it has not started and waits for its answer.
func (r *settingsRead) result() (*bool, error) {
	r.start()
	<-r.done
	r.cancel()
	return r.required, r.err
}

// stop cancels the read and waits until it has ended, so that no request
// outlives Check.
func (r *settingsRead) stop() {
	r.cancel()
	r.once.Do(func() { close(r.done) })
	<-r.done
}

// approvalRequired reads the database's require_approval_for_deploy setting.
func approvalRequired(ctx context.Context, l Lister, cfg Config) (*bool, error) {
	ctx, cancel := context.WithTimeout(ctx, settingsTimeout)
	defer cancel()
	required, err := l.ApprovalRequired(ctx, cfg.Organization, cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("read the database settings: %w", err)
	}
	return &required, nil
}
