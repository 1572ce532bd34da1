package planetscale_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

var reviewNow = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

// reviewSandbox serves the review scenario's acme/shop, 12 items a page.
func reviewSandbox(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, string) {
	t.Helper()
	return newSandbox(t, sandbox.ReviewDatabase(reviewNow).DeployRequests, append([]sandbox.Option{sandbox.WithMaxPerPage(12)}, opts...)...)
}

// routeCounts counts the sandbox's requests by route.
func routeCounts(sb *sandbox.Server) map[string]int {
	out := map[string]int{}
	for _, r := range sb.Requests() {
		out[r.Route]++
	}
	return out
}

func TestClient_ReadDetails(t *testing.T) {
	t.Parallel()
	for _, concurrency := range []int{1, 4} {
		sb, url := reviewSandbox(t)
		c := newClient(t, url, planetscale.WithPageConcurrency(concurrency))
		numbers := []int{210, 209, 207, 206, 205}
		got, err := c.ReadDetails(testContext(t), testOrg, testDB, numbers)
		if err != nil {
			t.Fatalf("ReadDetails: %v", err)
		}
		byNumber := map[int]planetscale.Details{}
		for i, d := range got {
			if d.Number != numbers[i] {
				t.Fatalf("details %d are #%d, want #%d (in the order asked)", i, d.Number, numbers[i])
			}
			if d.DeploymentErr != nil || d.OperationsErr != nil || d.ReviewsErr != nil {
				t.Fatalf("#%d: errors %v, %v, %v", d.Number, d.DeploymentErr, d.OperationsErr, d.ReviewsErr)
			}
			byNumber[d.Number] = d
		}
		if d := byNumber[210]; !d.Deployment.QueuePaused || !strings.Contains(d.Deployment.QueuePauseReason, "holiday") || !d.Deployment.InstantDDLEligible ||
			len(d.Operations) != 1 || d.Operations[0].CanDropData || len(d.Reviews) != 1 || !d.Reviews[0].Approved() || d.Reviews[0].Actor.DisplayName != sandbox.ReviewerDana {
			t.Errorf("#210 = %+v, want a paused queue, instant DDL, one additive operation and Dana's approval", d)
		}
		if d := byNumber[209]; len(d.Operations) != 1 || !d.Operations[0].CanDropData || d.Operations[0].Table != "coupons" || d.Reviews[0].Approved() {
			t.Errorf("#209 = %+v, want one coupons operation that can drop data and a comment", d)
		}
		if d := byNumber[207]; len(d.Operations) != 0 || d.Deployment.State != "pending" {
			t.Errorf("#207 = %+v, want a pending deployment and no operations", d)
		}
		if d := byNumber[206]; len(d.Reviews) != 13 || !d.Reviews[12].Approved() {
			t.Errorf("#206 has %d reviews, want 13 (over 2 pages), the last an approval", len(d.Reviews))
		}
		if d := byNumber[205]; len(d.Operations) != 14 || len(d.Deployment.LintErrors) != 1 || d.Deployment.Deployable ||
			!strings.HasPrefix(d.Deployment.LintErrors[0].DocsURL, "https://planetscale.com/docs/") {
			t.Errorf("#205 = %+v, want 14 operations, a lint error with its docs link, not deployable", d)
		}
		counts := routeCounts(sb)
		// One deployment each; the operations list only for #207, whose
		// deployment carries none; reviews: 1 page each, but #206's 2 pages
		// twice (a list of several pages counts once two reads agree).
		if counts[sandbox.RouteDeployment] != 5 || counts[sandbox.RouteOperations] != 1 || counts[sandbox.RouteReviews] != 8 {
			t.Errorf("concurrency %d: requests by route = %v", concurrency, counts)
		}
		if int(c.Requests()) != len(sb.Requests()) {
			t.Errorf("Requests() = %d, the sandbox saw %d", c.Requests(), len(sb.Requests()))
		}
	}
}

// TestClient_ListReviewObjects: the gate's reviews carry no copy of their
// JSON (Review has no field for one), while ListReviewObjects keeps each
// review's object as the API sent it, over two pages, with the same
// values as ListReviews.
func TestClient_ListReviewObjects(t *testing.T) {
	t.Parallel()
	for f := range reflect.TypeFor[planetscale.Review]().Fields() {
		if f.Type == reflect.TypeFor[json.RawMessage]() || f.Type == reflect.TypeFor[[]byte]() {
			t.Errorf("Review.%s keeps bytes: the gate's reviews must carry no raw copy", f.Name)
		}
	}
	_, url := reviewSandbox(t)
	c := newClient(t, url)
	objs, err := c.ListReviewObjects(testContext(t), testOrg, testDB, 206)
	if err != nil || len(objs) != 13 {
		t.Fatalf("ListReviewObjects(#206) = %d reviews, %v; want 13 (over 2 pages)", len(objs), err)
	}
	reviews, err := c.ListReviews(testContext(t), testOrg, testDB, 206)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range objs {
		var sent map[string]any
		if err := json.Unmarshal(o.Raw, &sent); err != nil || sent["id"] != o.Value.ID || sent["state"] != o.Value.State {
			t.Errorf("review %d: Raw = %s (%v), want the object the API sent for %s", i, o.Raw, err, o.Value.ID)
		}
		if !reflect.DeepEqual(o.Value, reviews[i]) {
			t.Errorf("review %d: Value = %+v, ListReviews gave %+v", i, o.Value, reviews[i])
		}
	}
	if last := objs[12]; !last.Value.Approved() || last.Raw == nil {
		t.Errorf("#206's last review = %+v, want an approval with its JSON", last)
	}
}

// TestClient_ListOperations_pages: a request's operations over two pages
// are read whole, each page twice so that the reads agree.
func TestClient_ListOperations_pages(t *testing.T) {
	t.Parallel()
	sb, url := reviewSandbox(t)
	c := newClient(t, url)
	ops, err := c.ListOperations(testContext(t), testOrg, testDB, 205)
	if err != nil || len(ops) != 14 {
		t.Fatalf("ListOperations(#205) = %d operations, %v; want 14 from the operations list", len(ops), err)
	}
	if n := routeCounts(sb)[sandbox.RouteOperations]; n != 4 {
		t.Errorf("operations pages read = %d, want 4 (2 pages, read twice to agree)", n)
	}
}

// TestClient_ReadDetails_failures: a failing read is a *DetailError in its
// request's details, never the others'; a 404 names the grant.
func TestClient_ReadDetails_failures(t *testing.T) {
	t.Parallel()
	notFound := sandbox.Fault{Status: http.StatusNotFound, Body: `{"code":"not_found","message":"Not Found"}`}
	sb, url := reviewSandbox(t)
	sb.FailRoute(sandbox.RouteReviews, notFound)
	sb.FailRoute(sandbox.RouteOperations, sandbox.Fault{Status: http.StatusForbidden, Body: `{"code":"forbidden","message":"Forbidden"}`})
	c := newClient(t, url)
	got, err := c.ReadDetails(testContext(t), testOrg, testDB, []int{207})
	if err != nil {
		t.Fatal(err)
	}
	d := got[0]
	var de *planetscale.DetailError
	if !errors.As(d.ReviewsErr, &de) || de.What != "reviews" || de.Number != 207 || de.Grant() != planetscale.Grant ||
		!errors.Is(d.ReviewsErr, planetscale.ErrNotFound) || !strings.Contains(d.ReviewsErr.Error(), "lacks read_deploy_request") {
		t.Errorf("ReviewsErr = %v, want a *DetailError for reviews of #207 that names read_deploy_request", d.ReviewsErr)
	}
	if !errors.As(d.OperationsErr, &de) || de.Grant() != "" || !errors.Is(d.OperationsErr, planetscale.ErrForbidden) || d.Operations != nil {
		t.Errorf("OperationsErr = %v, want a 403 *DetailError naming no grant", d.OperationsErr)
	}
	if d.DeploymentErr != nil || d.Deployment == nil {
		t.Errorf("DeploymentErr = %v, want the deployment read", d.DeploymentErr)
	}

	// A token without read_deploy_request: every read is a 404 naming it.
	noGrant := testToken
	noGrant.ID, noGrant.Secret = "tok0nogrant0", "pscale_tkn_noGrantSecret0002"
	noGrant.Grants = map[string][]string{testOrg + "/" + testDB: {"read_database"}}
	_, url2 := reviewSandbox(t, sandbox.WithToken(noGrant))
	c2 := newClient(t, url2, planetscale.WithCredentials(planetscale.Credentials{ID: noGrant.ID, Secret: noGrant.Secret}))
	got, err = c2.ReadDetails(testContext(t), testOrg, testDB, []int{210})
	if err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{"deployment": got[0].DeploymentErr, "operations": got[0].OperationsErr, "reviews": got[0].ReviewsErr} {
		if !errors.As(err, &de) || de.Grant() != planetscale.Grant || strings.Contains(err.Error(), noGrant.Secret) {
			t.Errorf("%s without the grant: %v, want a 404 naming read_deploy_request", what, err)
		}
	}
}

// TestClient_ListOperations_strict: operations and reviews are decoded as
// strictly as deploy requests.
func TestClient_ListOperations_strict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		route   string
		rewrite func(it map[string]any)
		read    func(c *planetscale.Client) error
		want    string
	}{
		{"operation_without_can_drop_data", sandbox.RouteOperations, func(it map[string]any) { delete(it, "can_drop_data") },
			func(c *planetscale.Client) error {
				_, err := c.ListOperations(t.Context(), testOrg, testDB, 205)
				return err
			},
			`"can_drop_data" is missing`},
		{"operation_can_drop_data_as_string", sandbox.RouteOperations, func(it map[string]any) { it["can_drop_data"] = "false" },
			func(c *planetscale.Client) error {
				_, err := c.ListOperations(t.Context(), testOrg, testDB, 205)
				return err
			},
			`"can_drop_data" is a string`},
		{"review_state_null", sandbox.RouteReviews, func(it map[string]any) { it["state"] = nil },
			func(c *planetscale.Client) error {
				_, err := c.ListReviews(t.Context(), testOrg, testDB, 206)
				return err
			},
			`"state" is null`},
		{"deployment_of_another_request", sandbox.RouteDeployment, func(it map[string]any) { it["deploy_request_number"] = 1 },
			func(c *planetscale.Client) error {
				_, err := c.GetDeployment(t.Context(), testOrg, testDB, 210)
				return err
			},
			"deployment of deploy request #1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, url := reviewSandbox(t, sandbox.WithRewrite(func(route string, body map[string]any) map[string]any {
				if route != tt.route {
					return body
				}
				if data, ok := body["data"].([]any); ok {
					for _, d := range data {
						tt.rewrite(d.(map[string]any))
					}
				} else {
					tt.rewrite(body)
				}
				return body
			}))
			err := tt.read(newClient(t, url))
			var de *planetscale.DetailError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want a *DetailError saying %s", err, tt.want)
			}
		})
	}
}
