package planetscale_test

import (
	"slices"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// deployment renders a nested deployment object.
func deployment(o jsonObject) jsonRaw { return jsonRaw(o.String()) }

var readyDeployment = jsonObject{}.set("state", "ready").set("deployable", false)

// editItem2 rewrites the second item (#2) of a one-page list of #3, #2, #1.
func editItem2(fn func(jsonObject) jsonObject) fakeOption {
	return fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
		items[1] = fn(items[1])
		return env, items
	})
}

// TestListDeployRequests_strictItems serves items that encoding/json alone
// would read wrongly or fill with zero values: each is an *ItemError naming
// the page, the item, its number when it has one, and the field.
func TestListDeployRequests_strictItems(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		edit     func(jsonObject) jsonObject
		wantItem string // how the error names the item
		want     string // the problem
	}{
		{
			name:     "approved_false_and_APPROVED_true",
			edit:     func(o jsonObject) jsonObject { return o.set("approved", false).add("APPROVED", true) },
			wantItem: "item 2 (deploy request #2)",
			want:     `key "APPROVED" differs from the field "approved" only in case`,
		},
		{
			name:     "APPROVED_instead_of_approved",
			edit:     func(o jsonObject) jsonObject { return o.rename("approved", "APPROVED") },
			wantItem: "item 2 (deploy request #2)",
			want:     `key "APPROVED" differs from the field "approved" only in case`,
		},
		{
			name:     "approved_twice",
			edit:     func(o jsonObject) jsonObject { return o.set("approved", false).add("approved", true) },
			wantItem: "item 2 (deploy request #2)",
			want:     `key "approved" appears twice`,
		},
		{
			name:     "approved_twice_once_escaped",
			edit:     func(o jsonObject) jsonObject { return o.set("approved", false).addRawKey(`"appr\u006fved"`, true) },
			wantItem: "item 2 (deploy request #2)",
			want:     `key "approved" appears twice`,
		},
		{
			// encoding/json folds U+017F (long s) to s.
			name:     "state_with_a_long_s",
			edit:     func(o jsonObject) jsonObject { return o.add("ſtate", "closed") },
			wantItem: "item 2 (deploy request #2)",
			want:     `key "ſtate" differs from the field "state" only in case`,
		},
		{
			name:     "number_twice",
			edit:     func(o jsonObject) jsonObject { return o.add("number", 3) },
			wantItem: "item 2 (deploy request #3)",
			want:     `key "number" appears twice`,
		},
		{
			name:     "unknown_key_twice",
			edit:     func(o jsonObject) jsonObject { return o.add("future", 1).add("future", 2) },
			wantItem: "item 2 (deploy request #2)",
			want:     `key "future" appears twice`,
		},
		{
			name: "deployable_in_another_case",
			edit: func(o jsonObject) jsonObject {
				return o.set("deployment", deployment(readyDeployment.add("Deployable", true)))
			},
			wantItem: "item 2 (deploy request #2)",
			want:     `deployment: key "Deployable" differs from the field "deployable" only in case`,
		},
		{
			name: "deployment_state_twice",
			edit: func(o jsonObject) jsonObject {
				return o.set("deployment", deployment(readyDeployment.add("state", "pending")))
			},
			wantItem: "item 2 (deploy request #2)",
			want:     `deployment: key "state" appears twice`,
		},
		{
			name:     "into_branch_missing",
			edit:     func(o jsonObject) jsonObject { return o.drop("into_branch") },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "into_branch" is missing`,
		},
		{
			name:     "branch_missing",
			edit:     func(o jsonObject) jsonObject { return o.drop("branch") },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "branch" is missing`,
		},
		{
			name:     "approved_missing",
			edit:     func(o jsonObject) jsonObject { return o.drop("approved") },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "approved" is missing`,
		},
		{
			name:     "state_missing",
			edit:     func(o jsonObject) jsonObject { return o.drop("state") },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "state" is missing`,
		},
		{
			name:     "deployment_state_missing",
			edit:     func(o jsonObject) jsonObject { return o.drop("deployment_state") },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "deployment_state" is missing`,
		},
		{
			name:     "number_missing",
			edit:     func(o jsonObject) jsonObject { return o.drop("number") },
			wantItem: "item 2 (deploy request)",
			want:     `field "number" is missing`,
		},
		{
			name:     "approved_null",
			edit:     func(o jsonObject) jsonObject { return o.set("approved", nil) },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "approved" is null`,
		},
		{
			name:     "into_branch_null",
			edit:     func(o jsonObject) jsonObject { return o.set("into_branch", nil) },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "into_branch" is null`,
		},
		{
			name:     "number_null",
			edit:     func(o jsonObject) jsonObject { return o.set("number", nil) },
			wantItem: "item 2 (deploy request)",
			want:     `field "number" is null`,
		},
		{
			name:     "approved_as_a_string",
			edit:     func(o jsonObject) jsonObject { return o.set("approved", "true") },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "approved" is a string, want true or false`,
		},
		{
			name:     "approved_as_a_number",
			edit:     func(o jsonObject) jsonObject { return o.set("approved", 1) },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "approved" is a number, want true or false`,
		},
		{
			name:     "number_as_a_string",
			edit:     func(o jsonObject) jsonObject { return o.set("number", "2") },
			wantItem: "item 2 (deploy request)",
			want:     `field "number" is a string, want an integer`,
		},
		{
			name:     "number_with_a_fraction",
			edit:     func(o jsonObject) jsonObject { return o.set("number", jsonRaw("2.0")) },
			wantItem: "item 2 (deploy request)",
			want:     `field "number" is "2.0", want an integer`,
		},
		{
			name:     "number_with_an_exponent",
			edit:     func(o jsonObject) jsonObject { return o.set("number", jsonRaw("2e0")) },
			wantItem: "item 2 (deploy request)",
			want:     `field "number" is "2e0", want an integer`,
		},
		{
			name:     "number_too_big",
			edit:     func(o jsonObject) jsonObject { return o.set("number", jsonRaw("99999999999999999999")) },
			wantItem: "item 2 (deploy request)",
			want:     `cannot decode`,
		},
		{
			name:     "branch_as_a_number",
			edit:     func(o jsonObject) jsonObject { return o.set("branch", 7) },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "branch" is a number, want a string`,
		},
		{
			name:     "state_as_an_object",
			edit:     func(o jsonObject) jsonObject { return o.set("state", map[string]any{}) },
			wantItem: "item 2 (deploy request #2)",
			want:     `field "state" is an object, want a string`,
		},
		{
			name:     "notes_as_a_number",
			edit:     func(o jsonObject) jsonObject { return o.set("notes", 5) },
			wantItem: "item 2 (deploy request #2)",
			want:     `cannot decode`,
		},
		{
			name:     "deployment_as_a_string",
			edit:     func(o jsonObject) jsonObject { return o.set("deployment", "ready") },
			wantItem: "item 2 (deploy request #2)",
			want:     `cannot decode`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, c := newFakeAPI(t, fakeOpen(3, 3, pageOneApproved), []fakeOption{editItem2(tt.edit)})
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{IntoBranch: "main"})
			checkListFailure(t, got, err, listFailure{
				item: true, page: 1, is: []error{planetscale.ErrMalformedItem},
				text: "list deploy requests: page 1: " + tt.wantItem + ": " + tt.want,
			})
		})
	}
}

// TestListDeployRequests_itemNotAnObject serves a number where an item
// belongs.
func TestListDeployRequests_itemNotAnObject(t *testing.T) {
	t.Parallel()

	_, c := newFakeAPI(t, fakeOpen(1, 1, pageOneApproved), []fakeOption{fakeOnPage(1, func(env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
		return env.set("data", jsonRaw("["+items[0].String()+", 5]")), nil
	})})
	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	checkListFailure(t, got, err, listFailure{
		item: true, page: 1, is: []error{planetscale.ErrMalformedItem},
		text: "page 1: item 2 (deploy request): it is a number, not an object",
	})
}

// TestListDeployRequests_lenientItems serves items that differ from the
// full object in ways that lose nothing the gate judges by.
func TestListDeployRequests_lenientItems(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		edit func(jsonObject) jsonObject
	}{
		{name: "as_sent", edit: func(o jsonObject) jsonObject { return o }},
		{name: "optional_fields_null", edit: func(o jsonObject) jsonObject {
			return o.set("notes", nil).set("deployment", nil).set("html_url", nil).set("created_at", nil).set("id", nil)
		}},
		{name: "optional_fields_missing", edit: func(o jsonObject) jsonObject {
			return o.drop("notes").drop("deployment").drop("html_url").drop("created_at").drop("id").drop("closed_at")
		}},
		{name: "unknown_keys_in_any_case", edit: func(o jsonObject) jsonObject {
			return o.add("Future", 1).add("future", map[string]any{"approved": true, "APPROVED": false}).add("approved_by", nil)
		}},
		{name: "unknown_keys_in_deployment", edit: func(o jsonObject) jsonObject {
			return o.set("deployment", deployment(readyDeployment.add("lint_errors", []any{map[string]any{"Deployable": 1}}).add("deployable_at", nil)))
		}},
		{name: "deployment_fields_null", edit: func(o jsonObject) jsonObject {
			return o.set("deployment", deployment(jsonObject{}.set("state", nil).set("deployable", nil)))
		}},
		{name: "escaped_keys_and_values", edit: func(o jsonObject) jsonObject {
			return o.drop("branch").addRawKey(`"br\u0061nch"`, "feature-2")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			drs := fakeOpen(3, 3, func(n int) bool { return n == 3 })
			_, c := newFakeAPI(t, drs, []fakeOption{editItem2(tt.edit)})
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			if err != nil {
				t.Fatalf("ListDeployRequests() error = %v", err)
			}
			if got, want := drSummaries(got), fakeSummaries(drs); !slices.Equal(got, want) {
				t.Errorf("ListDeployRequests() = %v, want %v", got, want)
			}
		})
	}
}
