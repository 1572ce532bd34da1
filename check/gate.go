package check

import (
	"context"
	"errors"
	"fmt"
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

// Check lists the open deploy requests cfg selects and decides. It then
// reads the database's require_approval_for_deploy setting; that read is
// optional (a missing grant only leaves Verdict.ApprovalRequired nil, with
// the reason in Verdict.SettingsErr). An error means the gate could not
// decide: the caller fails closed. ctx bounds the whole check.
func Check(ctx context.Context, l Lister, cfg Config) (Verdict, error) {
	drs, err := l.ListDeployRequests(ctx, cfg.Organization, cfg.Database, planetscale.ListDeployRequestsOptions{
		State: "open", Branch: cfg.Filter.Branch, IntoBranch: cfg.Filter.IntoBranch,
	})
	if err != nil {
		return Verdict{Policy: cfg.FailOn}, err
	}
	v := Evaluate(drs, cfg.Filter, cfg.FailOn)
	v.ApprovalRequired, v.SettingsErr = approvalRequired(ctx, l, cfg)
	return v, nil
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
