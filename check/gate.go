package check

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// Lister reads what the gate needs from PlanetScale.
type Lister interface {
	// ListDeployRequests returns every deploy request that matches opts,
	// over all pages, or an error: never a partial list.
	ListDeployRequests(ctx context.Context, org, database string, opts planetscale.ListDeployRequestsOptions) ([]planetscale.DeployRequest, error)
	// GetDatabase returns the database's settings.
	GetDatabase(ctx context.Context, org, database string) (*planetscale.Database, error)
}

var _ Lister = (*planetscale.Client)(nil)

// settingsTimeout bounds the optional read of the database settings.
const settingsTimeout = 5 * time.Second

// Check lists the open deploy requests cfg selects and decides. Beside the
// listing it reads the database's require_approval_for_deploy setting,
// starting once the listing's first page has answered (see
// planetscale.ListTrace; after the listing for a Lister that does not
// report it), so that the list's first request always goes first. That
// read is optional (a missing grant only leaves Verdict.ApprovalRequired
// nil, with the reason in Verdict.SettingsErr). An error means the gate
// could not decide: the caller fails closed. ctx bounds the whole check.
func Check(ctx context.Context, l Lister, cfg Config) (Verdict, error) {
	settings := newSettingsRead(ctx, l, cfg)
	drs, err := l.ListDeployRequests(planetscale.WithListTrace(ctx, &planetscale.ListTrace{FirstPage: settings.start}),
		cfg.Organization, cfg.Database, planetscale.ListDeployRequestsOptions{
			State: "open", Branch: cfg.Filter.Branch, IntoBranch: cfg.Filter.IntoBranch,
		})
	if err != nil {
		settings.stop()
		return Verdict{Policy: cfg.FailOn}, err
	}
	v := Evaluate(drs, cfg.Filter, cfg.FailOn)
	v.ApprovalRequired, v.SettingsErr = settings.result()
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
	db, err := l.GetDatabase(ctx, cfg.Organization, cfg.Database)
	if err == nil && db == nil {
		err = errors.New("no database in the answer")
	}
	if err != nil {
		return nil, fmt.Errorf("read the database settings: %w", err)
	}
	required := db.RequireApprovalForDeploy
	return &required, nil
}
