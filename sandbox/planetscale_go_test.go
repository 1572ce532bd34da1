package sandbox_test

// This file keeps the sandbox from drifting from the real API: it sends the
// requests PlanetScale's own Go client sends and decodes the answers into
// structs shaped like that client's. The request shapes (paths built with
// path.Join on "v1/organizations", query parameters, the Accept header, the
// "Authorization: <id>:<token>" header) and the struct field tags are copied
// from github.com/planetscale/planetscale-go at bc9e6d0b (2026-08-13):
// planetscale/client.go (newRequest, handleResponse, serviceTokenTransport,
// WithPerPage), organizations.go, databases.go, regions.go, branches.go
// (Actor, DatabaseBranch) and deploy_requests.go. Only what is needed is
// copied, not the library.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

type psActor struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"display_name"`
}

type psRegion struct {
	Slug      string `json:"slug"`
	Provider  string `json:"provider"`
	Name      string `json:"display_name"`
	Location  string `json:"location"`
	Enabled   bool   `json:"enabled"`
	IsDefault bool   `json:"current_default"`
}

type psOrganization struct {
	Name                   string    `json:"name"`
	CreatedAt              time.Time `json:"created_at"`
	UpdatedAt              time.Time `json:"updated_at"`
	RemainingFreeDatabases int       `json:"free_databases_remaining"`
}

type psDatabase struct {
	Name                       string    `json:"name"`
	Notes                      string    `json:"notes"`
	Region                     psRegion  `json:"region"`
	State                      string    `json:"state"`
	Kind                       string    `json:"kind"`
	HtmlURL                    string    `json:"html_url"`
	DefaultBranch              string    `json:"default_branch"`
	RequireApprovalForDeploy   bool      `json:"require_approval_for_deploy"`
	RestrictBranchRegion       bool      `json:"restrict_branch_region"`
	AllowDataBranching         bool      `json:"allow_data_branching"`
	ForeignKeysEnabled         bool      `json:"foreign_keys_enabled"`
	AutomaticMigrations        *bool     `json:"automatic_migrations"`
	InsightsRawQueries         bool      `json:"insights_raw_queries"`
	InsightsEnabled            bool      `json:"insights_enabled"`
	ProductionBranchWebConsole bool      `json:"production_branch_web_console"`
	MigrationTableName         *string   `json:"migration_table_name"`
	MigrationFramework         *string   `json:"migration_framework"`
	CreatedAt                  time.Time `json:"created_at"`
	UpdatedAt                  time.Time `json:"updated_at"`
}

type psDatabaseBranch struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	ParentBranch   string    `json:"parent_branch"`
	Actor          psActor   `json:"actor"`
	Region         psRegion  `json:"region"`
	Ready          bool      `json:"ready"`
	Production     bool      `json:"production"`
	HtmlURL        string    `json:"html_url"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	SafeMigrations bool      `json:"safe_migrations"`
	VTGateSize     string    `json:"vtgate_size"`
	VTGateCount    int       `json:"vtgate_count"`
}

type psDeploymentLintError struct {
	LintError        string `json:"lint_error"`
	Keyspace         string `json:"keyspace_name"`
	Table            string `json:"table_name"`
	SubjectType      string `json:"subject_type"`
	ErrorDescription string `json:"error_description"`
	DocsUrl          string `json:"docs_url"`
}

type psQueuedDeployment struct {
	ID                  string `json:"id"`
	State               string `json:"state"`
	DeployRequestNumber uint64 `json:"deploy_request_number"`
	IntoBranch          string `json:"into_branch"`
}

type psDeployment struct {
	ID                      string                   `json:"id"`
	State                   string                   `json:"state"`
	Deployable              bool                     `json:"deployable"`
	LintErrors              []*psDeploymentLintError `json:"lint_errors"`
	DeployRequestNumber     uint64                   `json:"deploy_request_number"`
	IntoBranch              string                   `json:"into_branch"`
	PrecedingDeployments    []*psQueuedDeployment    `json:"preceding_deployments"`
	InstantDDLEligible      bool                     `json:"instant_ddl_eligible"`
	InstantDDL              bool                     `json:"instant_ddl"`
	Actor                   *psActor                 `json:"actor"`
	CutoverActor            *psActor                 `json:"cutover_actor"`
	CancelledActor          *psActor                 `json:"cancelled_actor"`
	CreatedAt               time.Time                `json:"created_at"`
	UpdatedAt               time.Time                `json:"updated_at"`
	StartedAt               *time.Time               `json:"started_at"`
	QueuedAt                *time.Time               `json:"queued_at"`
	FinishedAt              *time.Time               `json:"finished_at"`
	ForceCutoverRequestedAt *time.Time               `json:"force_cutover_requested_at"`
}

// psError is planetscale-go's errorResponse.
type psError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *psError) Error() string { return e.Code + ": " + e.Message }

type psDeployRequest struct {
	ID              string        `json:"id"`
	Branch          string        `json:"branch"`
	IntoBranch      string        `json:"into_branch"`
	Actor           psActor       `json:"actor"`
	ClosedBy        *psActor      `json:"closed_by"`
	BranchDeletedBy *psActor      `json:"branch_deleted_by"`
	Number          uint64        `json:"number"`
	State           string        `json:"state"`
	DeploymentState string        `json:"deployment_state"`
	Approved        bool          `json:"approved"`
	Notes           string        `json:"notes"`
	Deployment      *psDeployment `json:"deployment"`
	HtmlURL         string        `json:"html_url"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	ClosedAt        *time.Time    `json:"closed_at"`
	DeployedAt      *time.Time    `json:"deployed_at"`
}

// psList is the envelope planetscale-go decodes: "data" only.
type psList[T any] struct {
	Data []T `json:"data"`
}

// psTokenTransport is serviceTokenTransport.
type psTokenTransport struct {
	rt               http.RoundTripper
	token, tokenName string
}

func (t *psTokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req.Header.Add("Authorization", t.tokenName+":"+t.token)
	return t.rt.RoundTrip(req)
}

// psClient is planetscale-go's Client as far as reads go.
type psClient struct {
	baseURL *url.URL
	client  *http.Client
}

// get builds the request as newRequest does (baseURL.Parse(path), the query
// encoded, Accept and User-Agent set), sends it, and decodes as
// handleResponse does: an error body from 400 on, else v. It returns the
// raw body too.
func (c *psClient) get(ctx context.Context, p string, query url.Values, v any) ([]byte, error) {
	u, err := c.baseURL.Parse(p)
	if err != nil {
		return nil, err
	}
	if query != nil {
		u.RawQuery = query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "planetscale-go/v0.178.0")
	res, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode >= 400 {
		e := &psError{}
		if err := json.Unmarshal(out, e); err != nil {
			return out, err
		}
		return out, e
	}
	return out, json.Unmarshal(out, &v)
}

// missingKeys lists the JSON keys that typ's fields decode from and v (a
// decoded JSON value) lacks, following nested objects and arrays: a field
// planetscale-go reads must be in the body, as a value or as null.
func missingKeys(typ reflect.Type, v any, at string) []string {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		if typ.Kind() == reflect.Slice {
			var out []string
			for _, el := range asSlice(v) {
				out = append(out, missingKeys(typ.Elem(), el, at+"[]")...)
			}
			return out
		}
		typ = typ.Elem()
	}
	obj, ok := v.(map[string]any)
	if typ.Kind() != reflect.Struct || typ == reflect.TypeFor[time.Time]() || !ok {
		return nil
	}
	var out []string
	for i := range typ.NumField() {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		val, present := obj[key]
		if !present {
			out = append(out, at+"."+key)
			continue
		}
		out = append(out, missingKeys(typ.Field(i).Type, val, at+"."+key)...)
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestServer_PlanetScaleGoClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base, err := url.Parse(f.srv.URL + "/") // WithBaseURL
	if err != nil {
		t.Fatal(err)
	}
	ps := &psClient{baseURL: base, client: &http.Client{Transport: &psTokenTransport{rt: http.DefaultTransport, tokenName: token.ID, token: token.Secret}}}
	perPage100 := url.Values{"per_page": {"100"}} // defaultListOptions(WithPerPage(100))
	orgs, dbs := "v1/organizations", path.Join("v1/organizations", "acme", "databases")
	for _, tt := range []struct {
		name, path string
		query      url.Values
		route      string
		v          any          // what planetscale-go decodes into
		item       reflect.Type // the shape each object must have
		check      func(t *testing.T, v any)
	}{
		{"organizations_list", orgs, nil, sandbox.RouteOrganizations, &psList[*psOrganization]{}, reflect.TypeFor[psList[psOrganization]](), func(t *testing.T, v any) {
			if got := v.(*psList[*psOrganization]).Data; len(got) != 2 || got[1].Name != "acme" || got[1].CreatedAt.IsZero() {
				t.Errorf("organizations = %+v", got)
			}
		}},
		{"organization_get", path.Join(orgs, "acme"), nil, sandbox.RouteOrganization, &psOrganization{}, reflect.TypeFor[psOrganization](), func(t *testing.T, v any) {
			if got := v.(*psOrganization); got.Name != "acme" {
				t.Errorf("organization = %+v", got)
			}
		}},
		{"databases_list", dbs, perPage100, sandbox.RouteDatabases, &psList[*psDatabase]{}, reflect.TypeFor[psList[psDatabase]](), func(t *testing.T, v any) {
			if got := v.(*psList[*psDatabase]).Data; len(got) != 2 || got[0].Name != "shop" || got[0].Region.Provider == "" {
				t.Errorf("databases = %+v", got)
			}
		}},
		{"database_get", path.Join(dbs, "shop"), nil, sandbox.RouteDatabase, &psDatabase{}, reflect.TypeFor[psDatabase](), func(t *testing.T, v any) {
			if got := v.(*psDatabase); !got.RequireApprovalForDeploy || got.Region.Slug != "aws-eu-west-1" || got.Region.Location == "" || got.State != "ready" {
				t.Errorf("database = %+v", got)
			}
		}},
		{"branches_list", path.Join(dbs, "shop", "branches"), perPage100, sandbox.RouteBranches, &psList[*psDatabaseBranch]{}, reflect.TypeFor[psList[psDatabaseBranch]](), func(t *testing.T, v any) {
			if got := v.(*psList[*psDatabaseBranch]).Data; len(got) != 32 || !got[0].Production || got[2].ParentBranch != "main" {
				t.Errorf("branches = %d, first %+v", len(got), got[0])
			}
		}},
		{"deploy_requests_list", path.Join(dbs, "shop", "deploy-requests"), url.Values{"state": {"open"}, "branch": {"b7"}, "into_branch": {"main"}}, sandbox.RouteDeployRequests,
			&psList[*psDeployRequest]{}, reflect.TypeFor[psList[psDeployRequest]](), func(t *testing.T, v any) {
				got := v.(*psList[*psDeployRequest]).Data
				if len(got) != 1 || got[0].Number != 7 || got[0].Deployment == nil || len(got[0].Deployment.LintErrors) != 1 ||
					got[0].Deployment.LintErrors[0].LintError == "" || got[0].Deployment.Actor == nil {
					t.Errorf("deploy requests = %+v", got)
				}
			}},
		{"deploy_request_get", path.Join(dbs, "shop", "deploy-requests", "5"), nil, sandbox.RouteDeployRequest, &psDeployRequest{}, reflect.TypeFor[psDeployRequest](), func(t *testing.T, v any) {
			if got := v.(*psDeployRequest); got.Number != 5 || got.IntoBranch != "staging" || got.Deployment.Deployable != true {
				t.Errorf("deploy request = %+v", got)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := ps.get(context.Background(), tt.path, tt.query, tt.v)
			if err != nil {
				t.Fatalf("planetscale-go's request failed: %v: %s", err, raw)
			}
			tt.check(t, tt.v)
			var generic any
			if err := json.Unmarshal(raw, &generic); err != nil {
				t.Fatal(err)
			}
			missing := missingKeys(tt.item, generic, "")
			slices.Sort(missing)
			if missing = slices.Compact(missing); len(missing) > 0 {
				t.Errorf("fields planetscale-go reads are missing: %v", missing)
			}
			reqs := f.s.Requests()
			last := reqs[len(reqs)-1]
			wantQuery := map[string]string{}
			for k := range tt.query {
				wantQuery[k] = tt.query.Get(k)
			}
			if last.Route != tt.route || !last.Authorized || last.Path != "/"+tt.path || !maps.Equal(last.Query, wantQuery) {
				t.Errorf("the sandbox saw %+v, want route %s at /%s with %v", last, tt.route, tt.path, wantQuery)
			}
		})
	}
	t.Run("not_found", func(t *testing.T) {
		_, err := ps.get(context.Background(), path.Join(dbs, "hidden", "deploy-requests", "1"), nil, &psDeployRequest{})
		var e *psError
		if !errors.As(err, &e) || e.Code != "not_found" {
			t.Errorf("error = %v, want planetscale-go's not_found", err)
		}
	})
}
