package planetscale_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// widget is a list item of another kind than a deploy request.
type widget struct {
	Name string `json:"name"`
	Size int    `json:"size"`
}

var widgetList = planetscale.ListSpec[widget]{
	Noun:     "widget",
	Required: []string{"name"},
	Key: func(w widget) (string, string, error) {
		if w.Name == "" {
			return "", "", errors.New("name is empty")
		}
		return w.Name, "size=" + strconv.Itoa(w.Size), nil
	},
	Fingerprinted: "size",
}

// TestListAll_anyItem reads lists of widgets keyed by name: the same rules
// hold for every list.
func TestListAll_anyItem(t *testing.T) {
	t.Parallel()

	page := func(current int, next any, items ...any) map[string]any {
		return map[string]any{"current_page": current, "next_page": next, "data": items}
	}
	w := func(name string, size int) map[string]any { return map[string]any{"name": name, "size": size} }
	// twoPages serves page 1 as first(n) for the nth request, then page 2.
	twoPages := func(first func(n int) []any, second ...any) func(n, p int) any {
		return func(n, p int) any {
			if p == 1 {
				return page(1, 2, first(n)...)
			}
			return page(2, nil, second...)
		}
	}
	tests := []struct {
		name      string
		pages     func(n, page int) any // n counts requests from 1
		spec      planetscale.ListSpec[widget]
		want      string // names, or the error
		wantPages string
	}{
		{
			name:      "two_pages_read_twice",
			pages:     twoPages(func(int) []any { return []any{w("a", 1), w("b", 2)} }, w("c", 3)),
			spec:      widgetList,
			want:      "a b c",
			wantPages: "1,2,1,2",
		},
		{
			name:      "size_changes_between_reads",
			pages:     twoPages(func(n int) []any { return []any{w("a", n), w("b", 2)} }, w("c", 3)),
			spec:      widgetList,
			want:      "paging failed: the list kept changing while it was read",
			wantPages: reads(8, "1,2"),
		},
		{
			name:      "same_name_twice_differently",
			pages:     twoPages(func(int) []any { return []any{w("a", 1)} }, w("a", 2)),
			spec:      widgetList,
			want:      "page 2: paging failed: widget a appears twice with different size (size=1, then size=2)",
			wantPages: "1,2",
		},
		{
			name:      "name_missing",
			pages:     func(_, _ int) any { return page(1, nil, map[string]any{"size": 1}) },
			spec:      widgetList,
			want:      `page 1: item 1 (widget): field "name" is missing`,
			wantPages: "1",
		},
		{
			name:      "name_empty",
			pages:     func(_, _ int) any { return page(1, nil, w("", 1)) },
			spec:      widgetList,
			want:      `page 1: item 1 (widget): name is empty`,
			wantPages: "1",
		},
		{
			name: "name_sanitized_in_messages",
			pages: func(_, _ int) any {
				return page(1, nil, w("x\n::error::forged", 1), w("x\n::error::forged", 2))
			},
			spec:      widgetList,
			want:      "widget x ::error::forged appears twice",
			wantPages: "1",
		},
		{
			name:      "no_key_func",
			pages:     func(_, _ int) any { return page(1, nil) },
			spec:      planetscale.ListSpec[widget]{Noun: "widget"},
			want:      "list: no Key in the ListSpec",
			wantPages: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, http.StatusOK, tt.pages(n, pageOf(r)))
			})
			c := newClient(t, url)
			got, err := planetscale.ListAll(testContext(t), c, planetscale.Path("widgets"), nil, tt.spec)
			var names []string
			for _, w := range got {
				names = append(names, w.Name)
			}
			if err != nil {
				if got != nil {
					t.Errorf("ListAll() = %v with an error, want nil", names)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("ListAll() error = %q, want it to say %q", err, tt.want)
				}
			} else if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("ListAll() = %q, want %q", got, tt.want)
			}
			if got := rec.pages(); got != tt.wantPages {
				t.Errorf("pages asked for = %s, want %s", got, tt.wantPages)
			}
		})
	}
}
