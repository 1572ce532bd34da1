package planetscale_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// newResourceSandbox serves organization acme with databases shop (in
// aws-eu-west-1, with 130 deploy requests) and
// blog (without approval), organization other with one database, and a
// token with every read on acme and nothing on other.
func newResourceSandbox(t *testing.T) (*sandbox.Server, *planetscale.Client) {
	t.Helper()
	sb := sandbox.New(
		sandbox.WithOrganization(sandbox.Organization{Name: testOrg, Plan: "scaler_pro"}),
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: true, Region: "aws-eu-west-1", DeployRequests: openDRs(130, 130)}),
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: "blog", Branches: []sandbox.Branch{
			{Name: "main", Production: true, Ready: true},
			{Name: "add-tags", Parent: "main", Ready: false},
		}}),
		sandbox.WithDatabase(sandbox.Database{Organization: "other", Name: "secret-db"}),
		sandbox.WithToken(sandbox.Token{ID: testID, Secret: testSecret, Grants: map[string][]string{
			testOrg:                {"read_organization"},
			testOrg + "/" + testDB: {"read_database", "read_branch", "read_deploy_request"},
			testOrg + "/blog":      {"read_database", "read_branch"},
		}}),
	)
	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { sb.ServeHTTP(w, r) })
	return sb, newClient(t, url)
}

// TestClient_reads calls every read against the sandbox, which serves the
// API's documented shapes, and checks what each decodes.
func TestClient_reads(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		// call returns what the read decoded, as text to compare, and the
		// JSON it kept.
		call     func(c *planetscale.Client) (got string, raw []json.RawMessage, err error)
		want     string
		wantPath string // of the first request
	}{
		{
			name: "list_organizations",
			call: func(c *planetscale.Client) (string, []json.RawMessage, error) {
				orgs, err := c.ListOrganizations(testContext(t))
				return joinItems(orgs, func(o planetscale.Organization) string {
					return fmt.Sprintf("%s plan=%s dbs=%d created=%v", o.Name, o.Plan, o.DatabaseCount, !o.CreatedAt.IsZero())
				}), raws(orgs, func(o planetscale.Organization) json.RawMessage { return o.Raw }), err
			},
			want:     "acme plan=scaler_pro dbs=2 created=true",
			wantPath: "/v1/organizations",
		},
		{
			name: "get_organization",
			call: func(c *planetscale.Client) (string, []json.RawMessage, error) {
				o, err := c.GetOrganization(testContext(t), testOrg)
				if err != nil {
					return "", nil, err
				}
				return fmt.Sprintf("%s plan=%s dbs=%d", o.Name, o.Plan, o.DatabaseCount), []json.RawMessage{o.Raw}, nil
			},
			want:     "acme plan=scaler_pro dbs=2",
			wantPath: "/v1/organizations/acme",
		},
		{
			name: "list_databases",
			call: func(c *planetscale.Client) (string, []json.RawMessage, error) {
				dbs, err := c.ListDatabases(testContext(t), testOrg)
				return joinItems(dbs, describeDatabase),
					raws(dbs, func(d planetscale.Database) json.RawMessage { return d.Raw }), err
			},
			want: "shop state=ready kind=mysql region=aws-eu-west-1/AWS/AWS eu-west-1 (Dublin)/Dublin, Ireland default=main approval=true url=https://app.planetscale.com/acme/shop\n" +
				"blog state=ready kind=mysql region=aws-us-east-1/AWS/AWS us-east-1 (N. Virginia)/Ashburn, Virginia default=main approval=false url=https://app.planetscale.com/acme/blog",
			wantPath: "/v1/organizations/acme/databases",
		},
		{
			name: "get_database",
			call: func(c *planetscale.Client) (string, []json.RawMessage, error) {
				d, err := c.GetDatabase(testContext(t), testOrg, testDB)
				if err != nil {
					return "", nil, err
				}
				return describeDatabase(*d), []json.RawMessage{d.Raw}, nil
			},
			want:     "shop state=ready kind=mysql region=aws-eu-west-1/AWS/AWS eu-west-1 (Dublin)/Dublin, Ireland default=main approval=true url=https://app.planetscale.com/acme/shop",
			wantPath: "/v1/organizations/acme/databases/shop",
		},
		{
			name: "list_branches",
			call: func(c *planetscale.Client) (string, []json.RawMessage, error) {
				bs, err := c.ListBranches(testContext(t), testOrg, "blog")
				return joinItems(bs, func(b planetscale.Branch) string {
					return fmt.Sprintf("%s parent=%q production=%t ready=%t region=%s dates=%t", b.Name, b.ParentBranch, b.Production, b.Ready,
						b.Region.Slug, !b.CreatedAt.IsZero() && !b.UpdatedAt.IsZero())
				}), raws(bs, func(b planetscale.Branch) json.RawMessage { return b.Raw }), err
			},
			want: "main parent=\"\" production=true ready=true region=aws-us-east-1 dates=true\n" +
				"add-tags parent=\"main\" production=false ready=false region=aws-us-east-1 dates=true",
			wantPath: "/v1/organizations/acme/databases/blog/branches",
		},
		{
			name: "get_deploy_request",
			call: func(c *planetscale.Client) (string, []json.RawMessage, error) {
				dr, err := c.GetDeployRequest(testContext(t), testOrg, testDB, 17)
				if err != nil {
					return "", nil, err
				}
				return fmt.Sprintf("#%d %s→%s approved=%t %s/%s", dr.Number, dr.Branch, dr.IntoBranch, dr.Approved, dr.State, dr.DeploymentState), nil, nil
			},
			want:     "#17 feature→main approved=false open/ready",
			wantPath: "/v1/organizations/acme/databases/shop/deploy-requests/17",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, c := newResourceSandbox(t)
			got, raw, err := tt.call(c)
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for i, r := range raw {
				var obj map[string]any
				if err := json.Unmarshal(r, &obj); err != nil || obj["id"] == nil || obj["name"] == nil {
					t.Errorf("Raw %d = %.80s, want the API's object with its id and name", i, r)
				}
			}
			if reqs := sb.Requests(); len(reqs) == 0 || reqs[0].Path != tt.wantPath {
				t.Errorf("requests = %+v, want the first to %s", reqs, tt.wantPath)
			}
		})
	}
}

func describeDatabase(d planetscale.Database) string {
	r := d.Region
	return fmt.Sprintf("%s state=%s kind=%s region=%s/%s/%s/%s default=%s approval=%t url=%s",
		d.Name, d.State, d.Kind, r.Slug, r.Provider, r.DisplayName, r.Location, d.DefaultBranch, d.RequireApprovalForDeploy, d.HTMLURL)
}

// joinItems describes each item on its own line.
func joinItems[T any](items []T, describe func(T) string) string {
	lines := make([]string, len(items))
	for i, it := range items {
		lines[i] = describe(it)
	}
	return strings.Join(lines, "\n")
}

func raws[T any](items []T, raw func(T) json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, len(items))
	for i, it := range items {
		out[i] = raw(it)
	}
	return out
}

// TestClient_readsRefused reads what the token may not: PlanetScale answers
// 404 for a missing grant as for a missing resource.
func TestClient_readsRefused(t *testing.T) {
	t.Parallel()

	_, c := newResourceSandbox(t)
	ctx := testContext(t)
	calls := map[string]func() error{
		"get organization other":  func() error { _, err := c.GetOrganization(ctx, "other"); return err },
		"list databases of other": func() error { _, err := c.ListDatabases(ctx, "other"); return err },
		"get database other":      func() error { _, err := c.GetDatabase(ctx, "other", "secret-db"); return err },
		"list branches of missing": func() error {
			_, err := c.ListBranches(ctx, testOrg, "missing")
			return err
		},
		"get deploy request 999": func() error { _, err := c.GetDeployRequest(ctx, testOrg, testDB, 999); return err },
		"deploy requests of blog": func() error {
			_, err := c.GetDeployRequest(ctx, testOrg, "blog", 1)
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, planetscale.ErrNotFound) {
			t.Errorf("%s: error = %v, want ErrNotFound", name, err)
		}
	}
}

// TestClient_getRejectsMalformed answers single reads with objects that are
// not what was asked for, or lack what the gate needs.
func TestClient_getRejectsMalformed(t *testing.T) {
	t.Parallel()

	dr := func(edit func(map[string]any)) map[string]any {
		m := map[string]any{"id": "x", "number": 7, "branch": "feature", "into_branch": "main", "approved": false, "state": "open", "deployment_state": "ready"}
		if edit != nil {
			edit(m)
		}
		return m
	}
	getDR := func(c *planetscale.Client) error {
		_, err := c.GetDeployRequest(testContext(t), testOrg, testDB, 7)
		return err
	}
	tests := []struct {
		name    string
		body    any
		call    func(c *planetscale.Client) error
		wantErr string
	}{
		{name: "deploy_request_other_number", body: dr(func(m map[string]any) { m["number"] = 8 }), call: getDR, wantErr: "the answer is deploy request #8"},
		{name: "deploy_request_without_approved", body: dr(func(m map[string]any) { delete(m, "approved") }), call: getDR, wantErr: `field "approved" is missing`},
		{name: "deploy_request_approved_null", body: dr(func(m map[string]any) { m["approved"] = nil }), call: getDR, wantErr: `"approved"`},
		{name: "deploy_request_approved_in_upper_case", body: json.RawMessage(`{"id":"x","number":7,"branch":"feature","into_branch":"main","approved":false,"APPROVED":true,"state":"open","deployment_state":"ready"}`),
			call: getDR, wantErr: "only in case"},
		{name: "deploy_request_null", body: nil, call: getDR, wantErr: "unexpected answer"},
		{name: "database_other_name", body: map[string]any{"name": "other"}, call: func(c *planetscale.Client) error {
			_, err := c.GetDatabase(testContext(t), testOrg, testDB)
			return err
		}, wantErr: `asked for database "shop", got "other"`},
		{name: "organization_without_name", body: map[string]any{"id": "x"}, call: func(c *planetscale.Client) error {
			_, err := c.GetOrganization(testContext(t), testOrg)
			return err
		}, wantErr: `field "name" is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, http.StatusOK, tt.body) })
			err := tt.call(newClient(t, url))
			if !errors.Is(err, planetscale.ErrUnexpectedResponse) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want ErrUnexpectedResponse saying %q", err, tt.wantErr)
			}
			if got := rec.count(); got != 1 {
				t.Errorf("server got %d requests, want 1 (not retried)", got)
			}
		})
	}
}

// TestGetDeployRequest_badNumber refuses a number the API never gives,
// without asking.
func TestGetDeployRequest_badNumber(t *testing.T) {
	t.Parallel()

	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, http.StatusOK, map[string]any{}) })
	c := newClient(t, url)
	for _, n := range []int{0, -1} {
		if _, err := c.GetDeployRequest(testContext(t), testOrg, testDB, n); err == nil || !strings.Contains(err.Error(), "positive") {
			t.Errorf("GetDeployRequest(%d) error = %v, want it refused", n, err)
		}
	}
	if got := rec.count(); got != 0 {
		t.Errorf("server got %d requests, want none", got)
	}
}

// TestDatabase_Raw checks that Raw holds the object exactly as sent, and
// that marshalling a Database leaves Raw out.
func TestDatabase_Raw(t *testing.T) {
	t.Parallel()

	const body = `{"name":"shop","state":"ready","unknown_field":{"kept":true}}`
	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	})
	db, err := newClient(t, url).GetDatabase(testContext(t), testOrg, testDB)
	if err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	if got := string(db.Raw); got != body {
		t.Errorf("Raw = %s, want %s", got, body)
	}
	out, err := json.Marshal(db)
	if err != nil || slices.Contains(strings.Split(string(out), `"`), "Raw") || strings.Contains(string(out), "unknown_field") {
		t.Errorf("json.Marshal(db) = %s, %v; want the typed fields only", out, err)
	}
}

// TestClient_GetDeployRequestObject answers the same bodies to
// GetDeployRequest and GetDeployRequestObject: the same error, or the same
// request with Raw the object as sent.
func TestClient_GetDeployRequestObject(t *testing.T) {
	t.Parallel()

	const whole = `"id":"x","number":7,"branch":"feature","into_branch":"main","approved":false,"state":"open","deployment_state":"ready"`
	for name, body := range map[string]string{
		"as_sent":             `{` + whole + `,"actor":{"id":"a"},"deployment":{"state":"ready","deployable":true}}`,
		"other_number":        `{` + strings.Replace(whole, `7`, `8`, 1) + `}`,
		"approved_missing":    `{"number":7,"branch":"feature","into_branch":"main","state":"open","deployment_state":"ready"}`,
		"approved_null":       `{` + strings.Replace(whole, `false`, `null`, 1) + `}`,
		"approved_upper_case": `{` + whole + `,"APPROVED":true}`,
		"number_a_fraction":   `{` + strings.Replace(whole, `7`, `7.5`, 1) + `}`,
		"null":                `null`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, body)
			})
			c := newClient(t, url)
			dr, err := c.GetDeployRequest(testContext(t), testOrg, testDB, 7)
			obj, objErr := c.GetDeployRequestObject(testContext(t), testOrg, testDB, 7)
			switch {
			case fmt.Sprint(objErr) != fmt.Sprint(err):
				t.Fatalf("GetDeployRequestObject() error = %v, GetDeployRequest() error = %v", objErr, err)
			case name == "as_sent" && err != nil:
				t.Fatalf("GetDeployRequest() error = %v", err)
			case name != "as_sent" && !errors.Is(objErr, planetscale.ErrUnexpectedResponse):
				t.Fatalf("GetDeployRequestObject() error = %v, want ErrUnexpectedResponse", objErr)
			case err == nil && (!reflect.DeepEqual(obj.Value, *dr) || string(obj.Raw) != body):
				t.Errorf("GetDeployRequestObject() = %+v, Raw %s; want %+v, Raw %s", obj.Value, obj.Raw, *dr, body)
			}
		})
	}
}
