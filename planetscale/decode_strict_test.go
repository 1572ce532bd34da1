package planetscale_test

import (
	"slices"
	"strings"
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

// Item edits, for tables.
func dropField(key string) func(jsonObject) jsonObject {
	return func(o jsonObject) jsonObject { return o.drop(key) }
}

func setField(key string, v any) func(jsonObject) jsonObject {
	return func(o jsonObject) jsonObject { return o.set(key, v) }
}

func addField(key string, v any) func(jsonObject) jsonObject {
	return func(o jsonObject) jsonObject { return o.add(key, v) }
}

// TestListDeployRequests_strictItems serves items that encoding/json alone
// would read wrongly or fill with zero values: each is an *ItemError naming
// the page, the item, its number when it has one, and the field.
func TestListDeployRequests_strictItems(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		edit func(jsonObject) jsonObject
		key  string // the number the error names, "" for none
		want string // the problem
	}{
		{"approved_false_and_APPROVED_true", func(o jsonObject) jsonObject { return o.set("approved", false).add("APPROVED", true) }, "#2", `key "APPROVED" differs from the field "approved" only in case`},
		{"APPROVED_instead_of_approved", func(o jsonObject) jsonObject { return o.rename("approved", "APPROVED") }, "#2", `key "APPROVED" differs from the field "approved" only in case`},
		{"approved_twice", func(o jsonObject) jsonObject { return o.set("approved", false).add("approved", true) }, "#2", `key "approved" appears twice`},
		{"approved_twice_once_escaped", func(o jsonObject) jsonObject { return o.set("approved", false).addRawKey(`"appr\u006fved"`, true) }, "#2", `key "approved" appears twice`},
		{"state_with_a_long_s", addField("ſtate", "closed"), "#2", `key "ſtate" differs from the field "state" only in case`}, // encoding/json folds ſ to s
		{"number_twice", addField("number", 3), "#3", `key "number" appears twice`},
		{"unknown_key_twice", func(o jsonObject) jsonObject { return o.add("future", 1).add("future", 2) }, "#2", `key "future" appears twice`},
		{"deployable_in_another_case", setField("deployment", deployment(readyDeployment.add("Deployable", true))), "#2", `deployment: key "Deployable" differs from the field "deployable" only in case`},
		{"deployment_state_twice", setField("deployment", deployment(readyDeployment.add("state", "pending"))), "#2", `deployment: key "state" appears twice`},
		{"into_branch_missing", dropField("into_branch"), "#2", `field "into_branch" is missing`},
		{"branch_missing", dropField("branch"), "#2", `field "branch" is missing`},
		{"approved_missing", dropField("approved"), "#2", `field "approved" is missing`},
		{"state_missing", dropField("state"), "#2", `field "state" is missing`},
		{"deployment_state_missing", dropField("deployment_state"), "#2", `field "deployment_state" is missing`},
		{"number_missing", dropField("number"), "", `field "number" is missing`},
		{"approved_null", setField("approved", nil), "#2", `field "approved" is null`},
		{"into_branch_null", setField("into_branch", nil), "#2", `field "into_branch" is null`},
		{"number_null", setField("number", nil), "", `field "number" is null`},
		{"approved_as_a_string", setField("approved", "true"), "#2", `field "approved" is a string, want true or false`},
		{"approved_as_a_number", setField("approved", 1), "#2", `field "approved" is a number, want true or false`},
		{"number_as_a_string", setField("number", "2"), "", `field "number" is a string, want an integer`},
		{"number_with_a_fraction", setField("number", jsonRaw("2.0")), "", `field "number" is "2.0", want an integer`},
		{"number_with_an_exponent", setField("number", jsonRaw("2e0")), "", `field "number" is "2e0", want an integer`},
		{"number_too_big", setField("number", jsonRaw("99999999999999999999")), "", `cannot decode`},
		{"branch_as_a_number", setField("branch", 7), "#2", `field "branch" is a number, want a string`},
		{"state_as_an_object", setField("state", map[string]any{}), "#2", `field "state" is an object, want a string`},
		{"notes_as_a_number", setField("notes", 5), "#2", `cannot decode`},
		{"deployment_as_a_string", setField("deployment", "ready"), "#2", `cannot decode`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, c := newFakeAPI(t, fakeOpen(3, 3, pageOneApproved), []fakeOption{editItem2(tt.edit)})
			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{IntoBranch: "main"})
			item := strings.TrimSpace("deploy request " + tt.key)
			checkListFailure(t, got, err, listFailure{
				item: true, page: 1, is: []error{planetscale.ErrMalformedItem},
				text: "list deploy requests: page 1: item 2 (" + item + "): " + tt.want,
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
